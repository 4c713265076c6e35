// From sessions.jsonl lines to what one daily TLS-RPT report counts (RFC 8460 §4.1-§4.4): one
// tally per policy domain and UTC day, one entry per distinct policy seen that day, sessions
// counted as successes and failures, and failures grouped into failure-details. Pure.
#pragma once

#include <cstdint>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "stslab/sender/defects.hpp"

namespace stslab::sender {

// One line of sessions.jsonl, reduced to what a report needs.
struct SessionRecord {
  std::string day;   // "YYYY-MM-DD" (UTC) of `time`
  std::string kind;  // "policy" or "session"
  std::string policy_domain;
  std::string policy_type;  // "sts" or "no-policy-found"
  std::string policy_mode;  // "enforce", "testing", "none", "" (no policy)
  std::vector<std::string> policy_string;
  std::vector<std::string> mx_host;
  std::string result_type;  // "" = not counted
  std::string failure_reason_code;
  std::string sending_mta_ip;
  std::string receiving_mx_hostname;
  std::string receiving_ip;
  std::string sender_domain;
};

// nullopt for lines that are not records (missing time or domain).
std::optional<SessionRecord> parse_session_record(const nlohmann::json& line);

struct FailureTally {
  std::string result_type;
  std::string sending_mta_ip;         // "" = unknown (left out of the report)
  std::string receiving_mx_hostname;  // "" for policy failures
  std::string receiving_ip;
  std::string failure_reason_code;
  std::int64_t count = 0;
};

struct PolicyTally {
  std::string policy_type;  // "sts" or "no-policy-found"
  std::vector<std::string> policy_string;
  std::vector<std::string> mx_host;
  std::int64_t successes = 0;
  std::int64_t failures = 0;
  std::vector<FailureTally> details;  // in first-seen order
};

struct DomainDay {
  std::string policy_domain;
  std::string day;
  std::string sender_domain;  // of the last record that named one ("" if none did)
  std::vector<PolicyTally> policies;
};

// Counts `records` per (policy domain, day). Rules (docs/sender.md "TLS-RPT reports"):
// - a session line with result-type "success" is one successful session, any other type one
//   failed session (RFC 8460 §4.4), "" is not a session (never got to TLS);
// - a policy line that failed (sts-policy-*, sts-webpki-invalid) is one failed session of the
//   policy that then applied, or of an "sts" entry with no policy-string (STS-RPT-01), unless
//   the cached policy's mode is none (STS-RPT-02);
// - without an enforce/testing policy nothing fails (RFC 8461 §5, STS-APPLY-05).
// wrong-result-type and no-report-in-testing act here too, so they work whether they were
// given to `send` or to `report`. Domains with nothing to count are left out.
std::vector<DomainDay> aggregate_sessions(const std::vector<SessionRecord>& records,
                                          const DefectSet& defects);

// UTC calendar helpers (RFC 8460 §4.1: a report covers one UTC day).
std::string utc_day(std::time_t t);                            // "YYYY-MM-DD"
std::optional<std::time_t> day_start(const std::string& day);  // its 00:00:00Z

}  // namespace stslab::sender
