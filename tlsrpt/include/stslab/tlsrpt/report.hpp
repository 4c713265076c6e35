// The parsed report (RFC 8460 §4.4) as plain structs, so that a caller can attribute failures:
// the lab matches result-type and receiving-mx-hostname against what a scenario induced.
// Filled leniently: a field of the wrong type is left empty and reported as a Finding.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace stslab::tlsrpt {

struct FailureDetail {
  std::string result_type;  // RFC 8460 §4.3, e.g. "certificate-expired"
  std::string sending_mta_ip;
  std::string receiving_mx_hostname;  // "" when absent (policy fetch failures have none)
  std::string receiving_mx_helo;
  std::string receiving_ip;
  std::int64_t failed_session_count = 0;
  std::string additional_information;
  std::string failure_reason_code;
  std::string pointer;  // "/policies/0/failure-details/1"
};

struct Policy {
  std::string type;    // "sts", "tlsa", "no-policy-found"
  std::string domain;  // policy-domain
  std::vector<std::string> policy_string;
  std::vector<std::string> mx_host;  // a bare string (erratum 6241) becomes one element
};

struct PolicyResult {
  Policy policy;
  std::int64_t successful_sessions = 0;
  std::int64_t failed_sessions = 0;
  std::vector<FailureDetail> failures;
  std::string pointer;  // "/policies/0"
};

struct Report {
  std::string organization_name;
  std::string contact_info;
  std::string report_id;
  std::string start_datetime;  // as written
  std::string end_datetime;
  std::optional<std::int64_t> start_unix;  // when the date-time parsed
  std::optional<std::int64_t> end_unix;
  std::vector<PolicyResult> policies;
};

}  // namespace stslab::tlsrpt
