// What the report command remembers between runs, in STATE_DIR/reports/<policy domain>/: which
// (policy domain, day) reports exist, the exact report text (so a retry resends the same
// report-id), and each rua destination's state. A report is built once and delivered once per
// destination.
#pragma once

#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace stslab::sender {

struct RuaState {
  std::string uri;
  std::string transport;  // "https", "mailto", "unsupported"
  std::string address;    // mailto: the decoded address
  std::string state;      // "pending", "delivered", "gave-up", "skipped"
  int attempts = 0;
  std::string detail;  // of the last attempt
};

struct ReportRecord {
  std::string policy_domain;
  std::string day;
  // "pending" (some rua not done), "done", "no-tlsrpt" (the domain publishes no usable record;
  // nothing to send, and not asked again).
  std::string status = "pending";
  std::string report_id;
  std::string filename;
  std::string submitter;
  std::time_t first_attempt = 0;  // RPT-36: retries stop 24 h after this
  // How many session records of (policy_domain, day) this report counts. With --flush the
  // current day goes out in pieces: each flush reports only what no earlier one did.
  std::size_t sessions = 0;
  std::vector<RuaState> rua;
};

class ReportState {
 public:
  // Reads DIR/state.json (DIR = STATE_DIR/reports/<policy domain>: one state per domain, so
  // runs for different domains never wait for each other); a missing file is an empty state.
  // Throws std::runtime_error for a file that exists but cannot be parsed (better stop than
  // resend).
  explicit ReportState(std::filesystem::path dir);

  ReportRecord* find(const std::string& policy_domain, const std::string& day);
  ReportRecord& add(ReportRecord record);
  std::vector<ReportRecord>& records() { return records_; }

  // Atomic (temporary file, then rename).
  void save() const;

  // The stored report text of a record, reports/<domain>_<day>.json.
  std::filesystem::path report_file(const ReportRecord& r) const;
  void store_report(const ReportRecord& r, const std::string& json_text) const;
  std::optional<std::string> load_report(const ReportRecord& r) const;

 private:
  std::filesystem::path dir_;
  std::vector<ReportRecord> records_;
};

}  // namespace stslab::sender
