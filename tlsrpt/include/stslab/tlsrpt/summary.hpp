// What an operator reads first: per policy domain the success rate and where the failures were.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "stslab/tlsrpt/report.hpp"

namespace stslab::tlsrpt {

struct FailureLine {
  std::string result_type;
  std::string receiving_mx_hostname;  // "" when the report names none
  std::int64_t sessions = 0;
};

struct DomainSummary {
  std::string policy_domain;
  std::vector<std::string> policy_types;  // several when e.g. sts and tlsa both apply (RPT-33)
  std::int64_t successful_sessions = 0;
  std::int64_t failed_sessions = 0;
  // success / (success + failure) in hundredths of a percent, rounded down so that 100.00%
  // only ever means "no failure"; nullopt when there were no sessions at all.
  std::optional<std::int64_t> success_basis_points;
  std::map<std::string, std::int64_t> failures_by_result_type;  // sums of failed-session-count
  std::map<std::string, std::int64_t> failures_by_mx;
  std::vector<FailureLine> failures;  // (result-type, MX) pairs, in report order, merged
  // Some sum went past the largest int64 and stopped there (only absurd counts get there;
  // analyze() turns it into an RPT-28 finding).
  bool sums_capped = false;
};

// One entry per policy-domain, in order of first appearance. Policies for the same domain are
// added up. O(n log n) in the number of policies and failure details.
std::vector<DomainSummary> summarize(const Report& report);

// "99.93" for 9993 basis points; "n/a" for nullopt.
std::string format_rate(const std::optional<std::int64_t>& basis_points);

}  // namespace stslab::tlsrpt
