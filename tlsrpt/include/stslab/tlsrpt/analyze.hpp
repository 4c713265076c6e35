// The one call a report receiver or the CLI makes: bytes and transport facts in, the report,
// its summary and every finding out. Never throws for bad input: `error` says what was wrong.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "stslab/tlsrpt/decode.hpp"
#include "stslab/tlsrpt/finding.hpp"
#include "stslab/tlsrpt/input_error.hpp"
#include "stslab/tlsrpt/report.hpp"
#include "stslab/tlsrpt/summary.hpp"

namespace stslab::tlsrpt {

struct Analysis {
  std::optional<InputError> error;  // set: no report could be read; the rest is empty
  Decoded decoded;
  Report report;
  std::vector<DomainSummary> summary;
  std::vector<Finding> findings;  // report findings first, then delivery findings
};

Analysis analyze(std::string_view bytes, const TransportFacts& transport);

// The machine-readable form the CLI prints with --format json (documented in docs/tlsrpt.md).
nlohmann::json to_json(const Finding& finding);
nlohmann::json to_json(const DomainSummary& summary);
nlohmann::json to_json(const Analysis& analysis);

}  // namespace stslab::tlsrpt
