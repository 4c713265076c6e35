// The MTA-STS policy file (RFC 8461 §3.2, with errata 6253 and 7282): its parsed form and a
// strict parser. Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stslab/sender/defects.hpp"

namespace stslab::sender {

enum class PolicyMode { enforce, testing, none };
std::string_view to_string(PolicyMode m);
std::optional<PolicyMode> parse_policy_mode(std::string_view text);  // exact, case-sensitive

// §3.2: max_age is at most 31557600 seconds (one year).
inline constexpr std::uint64_t kMaxAgeCap = 31557600;

struct Policy {
  PolicyMode mode = PolicyMode::none;
  std::uint64_t max_age = 0;    // as published (up to 10 digits); see effective_max_age
  std::vector<std::string> mx;  // the patterns as published, one per mx line
  std::string text;             // the body as fetched

  // The non-empty lines of `text`, for TLS-RPT's policy-string.
  std::vector<std::string> lines() const;
};

// The cache lifetime to apply: max_age capped at kMaxAgeCap (§3.2, erratum 7282), unless the
// max-age-unbounded defect is on.
std::uint64_t effective_max_age(const Policy& p, const DefectSet& defects);

struct PolicyParse {
  std::optional<Policy> policy;
  std::string error;  // why it is invalid (when policy is empty)
};

// Parses a policy body. Invalid input (a missing or malformed required field, a line that is not
// `key: value`) gives no policy and an error; RFC 8461 treats that like a failed fetch.
PolicyParse parse_policy(std::string_view text, const DefectSet& defects);

}  // namespace stslab::sender
