// What a run found: per scenario the observed outcome, the verdict and the evidence behind it.
// report.json (docs/report-format.md) is this, serialized; JUnit and Markdown derive from it.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "stslab/harness/outcome.hpp"

namespace stslab::harness {

// What happened to one scored message.
struct MessageResult {
  std::string name;       // "m1"
  std::string recipient;  // "m1@enforce-starttls-stripped.rfc8461-5.test"
  std::vector<Outcome> expected;
  std::optional<Outcome> outcome;  // nullopt: not observed
  Verdict verdict = Verdict::inconclusive;
  std::string reason;  // one line a person can read: why this outcome and verdict
  // The journal events the outcome rests on, one line each ("event 412: #3 mx1... stored message
  // ..."): the evidence the judge used, not a summary beside it.
  std::vector<std::string> evidence;

  bool operator==(const MessageResult&) const = default;
};

struct ScenarioResult {
  std::string scenario;  // id
  std::string title;
  std::vector<std::string> requirements;
  Level level = Level::must;
  std::vector<std::string> topics;
  std::vector<Outcome> expected;   // of the decisive (first scored) message
  std::optional<Outcome> outcome;  // of the decisive message
  bool reported = false;           // a TLS-RPT report for the domain arrived
  Verdict verdict = Verdict::inconclusive;
  std::string reason;
  std::vector<MessageResult> messages;
  std::chrono::milliseconds duration{0};
  // Time not spent waiting for the MTA or the fakes: setup, classification, bookkeeping.
  std::chrono::milliseconds harness_overhead{0};
  // {"smtp": [...transcript lines...], "tls": [...], "dns": [...], "https": [...],
  //  "mitm": [...], "mta": [...queue reasons and log lines...], "timeline": [...]}
  nlohmann::json evidence = nlohmann::json::object();

  bool operator==(const ScenarioResult&) const = default;
};

struct TargetInfo {
  std::string adapter;                                 // "postfix"
  nlohmann::json versions = nlohmann::json::object();  // program -> version

  bool operator==(const TargetInfo&) const = default;
};

struct RunResult {
  TargetInfo target;
  std::string started_at;  // RFC 3339 UTC
  std::chrono::milliseconds duration{0};
  std::vector<ScenarioResult> results;

  bool operator==(const RunResult&) const = default;
};

inline constexpr const char* kReportSchema = "stslab.report/1";

// A report.json that does not follow the schema; what() names the field, e.g.
// "report: runs[0].results[3].verdict: unknown verdict 'PASSED' (known: PASS, FAIL, ...)".
class ReportFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// How many results of a run got each verdict (every verdict present, zeros included).
std::map<Verdict, std::size_t> count_verdicts(const RunResult& run);
// "PASS 10, FAIL 1, WARN 0, INFO 0, INCONCLUSIVE 0, UNSUPPORTED 0, ERROR 0": for the CLI and
// report.md.
std::string summary_line(const RunResult& run);

// The whole report: {"schema": "stslab.report/1", "generator": ..., "runs": [...]}. Every string
// in it is valid UTF-8 (invalid bytes become U+FFFD), so dump() never throws on it.
nlohmann::json to_json(const std::vector<RunResult>& runs);
// Throws ReportFormatError on a wrong schema string or a missing / mistyped field.
std::vector<RunResult> runs_from_json(const nlohmann::json& report);

// Writes report.json, junit.xml and report.md into `dir` (created if missing); each file is
// written to a temporary name and renamed, so a reader never sees half a report. Throws
// std::runtime_error naming the path on an I/O error.
void write_reports(const std::vector<RunResult>& runs, const std::string& dir);
// Makes `dir` (if missing) and proves that a file can be written in it, before a run that would
// otherwise find out only at its end. Throws std::runtime_error naming the directory and why.
void check_report_dir(const std::string& dir);
std::string render_junit(const std::vector<RunResult>& runs);
std::string render_markdown(const std::vector<RunResult>& runs);

}  // namespace stslab::harness
