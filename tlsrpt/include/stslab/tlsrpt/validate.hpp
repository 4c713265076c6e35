// The report checks of RFC 8460 §4 (RPT-20 ... RPT-34): they build the model and list the
// findings in one pass over the JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "stslab/tlsrpt/finding.hpp"
#include "stslab/tlsrpt/report.hpp"

namespace stslab::tlsrpt {

struct Validated {
  Report report;
  std::vector<Finding> findings;
};

// `json` must be an object (parse_strict_json + the caller's check).
Validated validate_report(const nlohmann::json& json);

}  // namespace stslab::tlsrpt
