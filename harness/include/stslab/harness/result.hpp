// What a run found: per scenario the observed outcome, the verdict and the evidence behind it.
// report.json (docs/report-format.md) is this, serialized; JUnit and Markdown derive from it.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
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
};

struct TargetInfo {
  std::string adapter;                                  // "postfix"
  nlohmann::json versions = nlohmann::json::object();  // program -> version
};

struct RunResult {
  TargetInfo target;
  std::string started_at;  // RFC 3339 UTC
  std::chrono::milliseconds duration{0};
  std::vector<ScenarioResult> results;
};

// The whole report: {"schema": "stslab.report/1", "generator": ..., "runs": [...]}.
nlohmann::json to_json(const std::vector<RunResult>& runs);
std::vector<RunResult> runs_from_json(const nlohmann::json& report);  // throws on a bad schema

// Writes report.json, junit.xml and report.md into `dir` (created if missing).
void write_reports(const std::vector<RunResult>& runs, const std::string& dir);
std::string render_junit(const std::vector<RunResult>& runs);
std::string render_markdown(const std::vector<RunResult>& runs);

}  // namespace stslab::harness
