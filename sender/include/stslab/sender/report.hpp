// `stslab-sender report`: build the daily TLS-RPT reports (RFC 8460) from sessions.jsonl and
// deliver each to every rua destination of the policy domain, once; failed deliveries are kept
// and retried by later runs for 24 hours (§5.5, RPT-36).
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "stslab/sender/defects.hpp"

namespace stslab::sender {

struct ReportOptions {
  std::string state_dir;
  // The directory whose dkim/ holds the key signing mailed reports; "" = state_dir. A lab that
  // gives each scenario its own state dir keeps one key, the one it publishes, elsewhere.
  std::string key_dir;
  bool flush = false;  // also report the current, unfinished UTC day
  std::string domain;  // "" = every policy domain; else only this one (case-insensitive)
  DefectSet defects;
  std::string dns;  // "" = /etc/resolv.conf
  std::uint16_t smtp_port = 25;
  std::uint16_t https_port = 443;
  std::string ca_file;
  std::string submitter;  // "" = the --from domain seen at send time, else "sender.test"
  std::string helo;       // "" = the host name
  std::chrono::milliseconds timeout{10000};
};

struct ReportRun {
  // One per report delivery tried or given up, and one per report not sent because the
  // domain has no usable TLS-RPT record: {"policy_domain", "day", "rua", "transport", "ok",
  // "report_id", "detail"}.
  std::vector<nlohmann::json> lines;
  int exit_code = 0;  // 0: all went well or nothing was due; 75: something to retry; 64: usage
};

ReportRun run_reports(const ReportOptions& options, std::ostream& diag);

}  // namespace stslab::sender
