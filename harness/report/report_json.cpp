// report.json: the RunResult model <-> the "stslab.report/1" schema (docs/report-format.md).
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string_view>

#include "stslab/harness/result.hpp"
#include "summary.hpp"
#include "text_escape.hpp"

namespace stslab::harness {
namespace {

using nlohmann::json;

// ---- writing --------------------------------------------------------------------------------

json outcomes_to_json(const std::vector<Outcome>& outcomes) {
  json out = json::array();
  for (Outcome o : outcomes)
    out.push_back(to_string(o));
  return out;
}

json outcome_to_json(const std::optional<Outcome>& outcome) {
  return outcome ? json(to_string(*outcome)) : json(nullptr);
}

json message_to_json(const MessageResult& m) {
  return {
      {"name", m.name},
      {"recipient", m.recipient},
      {"expected", outcomes_to_json(m.expected)},
      {"outcome", outcome_to_json(m.outcome)},
      {"verdict", to_string(m.verdict)},
      {"reason", m.reason},
      {"evidence", m.evidence},
  };
}

json result_to_json(const ScenarioResult& r) {
  json messages = json::array();
  for (const auto& m : r.messages)
    messages.push_back(message_to_json(m));
  return {
      {"scenario", r.scenario},
      {"title", r.title},
      {"requirements", r.requirements},
      {"level", to_string(r.level)},
      {"topics", r.topics},
      {"expected", outcomes_to_json(r.expected)},
      {"outcome", outcome_to_json(r.outcome)},
      {"reported", r.reported},
      {"verdict", to_string(r.verdict)},
      {"reason", r.reason},
      {"messages", std::move(messages)},
      {"duration_ms", r.duration.count()},
      {"harness_overhead_ms", r.harness_overhead.count()},
      {"evidence", r.evidence},
  };
}

json summary_to_json(const RunResult& run) {
  json summary = {{"total", run.results.size()}};
  for (const auto& [verdict, count] : count_verdicts(run))
    summary[to_string(verdict)] = count;
  return summary;
}

json run_to_json(const RunResult& run) {
  json results = json::array();
  for (const auto& r : run.results)
    results.push_back(result_to_json(r));
  return {
      {"target", {{"adapter", run.target.adapter}, {"versions", run.target.versions}}},
      {"started_at", run.started_at},
      {"duration_ms", run.duration.count()},
      {"summary", summary_to_json(run)},
      {"results", std::move(results)},
  };
}

// ---- reading --------------------------------------------------------------------------------

// A JSON value and the path that reached it, so every error names its field:
// "report: runs[0].results[2].verdict: expected a string, got number".
class Field {
 public:
  Field(const json& value, std::string path) : value_(value), path_(std::move(path)) {}

  [[noreturn]] void fail(std::string_view problem) const {
    throw ReportFormatError("report: " + (path_.empty() ? std::string("top level") : path_) + ": " +
                            std::string(problem));
  }

  Field at(const std::string& key) const {
    expect_type(value_.is_object(), "an object");
    const auto it = value_.find(key);
    if (it == value_.end()) child_path(key).fail_missing();
    return Field(*it, child_path(key).path_);
  }
  // The member, or nullopt if it is absent (null counts as absent for optional fields).
  std::optional<Field> find(const std::string& key) const {
    expect_type(value_.is_object(), "an object");
    const auto it = value_.find(key);
    if (it == value_.end() || it->is_null()) return std::nullopt;
    return Field(*it, child_path(key).path_);
  }

  std::vector<Field> items() const {
    expect_type(value_.is_array(), "an array");
    std::vector<Field> out;
    for (std::size_t i = 0; i < value_.size(); ++i) {
      out.emplace_back(value_[i], path_ + "[" + std::to_string(i) + "]");
    }
    return out;
  }

  std::string string() const {
    expect_type(value_.is_string(), "a string");
    return value_.get<std::string>();
  }
  bool boolean() const {
    expect_type(value_.is_boolean(), "true or false");
    return value_.get<bool>();
  }
  std::chrono::milliseconds milliseconds() const {
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (value_.is_number_unsigned() && value_.get<std::uint64_t>() <= kMax) {
      return std::chrono::milliseconds(static_cast<std::int64_t>(value_.get<std::uint64_t>()));
    }
    if (value_.is_number_integer() && !value_.is_number_unsigned() &&
        value_.get<std::int64_t>() >= 0) {
      return std::chrono::milliseconds(value_.get<std::int64_t>());
    }
    fail("expected a non-negative integer, got " +
         (value_.is_number() ? value_.dump() : std::string(value_.type_name())));
  }
  const json& object() const {
    expect_type(value_.is_object(), "an object");
    return value_;
  }
  const json& raw() const { return value_; }

  // Parses the word with outcome.hpp's parser and reports its complaint against this field.
  template <typename Parse>
  auto word(Parse parse) const {
    const std::string s = string();
    try {
      return parse(s);
    } catch (const std::invalid_argument& e) {
      fail(e.what());
    }
  }

 private:
  Field child_path(const std::string& key) const {
    return Field(value_, path_.empty() ? key : path_ + "." + key);
  }
  [[noreturn]] void fail_missing() const { fail("missing"); }
  void expect_type(bool ok, std::string_view what) const {
    if (!ok) fail("expected " + std::string(what) + ", got " + value_.type_name());
  }

  const json& value_;
  std::string path_;
};

std::vector<std::string> strings_or_empty(const Field& parent, const std::string& key) {
  std::vector<std::string> out;
  if (const auto list = parent.find(key)) {
    for (const auto& item : list->items())
      out.push_back(item.string());
  }
  return out;
}

std::string string_or_empty(const Field& parent, const std::string& key) {
  const auto f = parent.find(key);
  return f ? f->string() : std::string();
}

std::chrono::milliseconds ms_or_zero(const Field& parent, const std::string& key) {
  const auto f = parent.find(key);
  return f ? f->milliseconds() : std::chrono::milliseconds(0);
}

std::vector<Outcome> outcomes_from(const Field& parent, const std::string& key) {
  std::vector<Outcome> out;
  if (const auto list = parent.find(key)) {
    for (const auto& item : list->items())
      out.push_back(item.word(parse_outcome));
  }
  return out;
}

std::optional<Outcome> outcome_from(const Field& parent, const std::string& key) {
  const auto f = parent.find(key);
  if (!f) return std::nullopt;
  return f->word(parse_outcome);
}

MessageResult message_from(const Field& f) {
  MessageResult m;
  m.name = f.at("name").string();
  m.recipient = string_or_empty(f, "recipient");
  m.expected = outcomes_from(f, "expected");
  m.outcome = outcome_from(f, "outcome");
  m.verdict = f.at("verdict").word(parse_verdict);
  m.reason = string_or_empty(f, "reason");
  m.evidence = strings_or_empty(f, "evidence");
  return m;
}

ScenarioResult result_from(const Field& f) {
  ScenarioResult r;
  r.scenario = f.at("scenario").string();
  r.title = string_or_empty(f, "title");
  r.requirements = strings_or_empty(f, "requirements");
  r.level = f.at("level").word(parse_level);
  r.topics = strings_or_empty(f, "topics");
  r.expected = outcomes_from(f, "expected");
  r.outcome = outcome_from(f, "outcome");
  if (const auto reported = f.find("reported")) r.reported = reported->boolean();
  r.verdict = f.at("verdict").word(parse_verdict);
  r.reason = string_or_empty(f, "reason");
  if (const auto messages = f.find("messages")) {
    for (const auto& m : messages->items())
      r.messages.push_back(message_from(m));
  }
  r.duration = ms_or_zero(f, "duration_ms");
  r.harness_overhead = ms_or_zero(f, "harness_overhead_ms");
  if (const auto evidence = f.find("evidence")) r.evidence = evidence->object();
  return r;
}

RunResult run_from(const Field& f) {
  RunResult run;
  const Field target = f.at("target");
  run.target.adapter = target.at("adapter").string();
  if (const auto versions = target.find("versions")) run.target.versions = versions->object();
  run.started_at = string_or_empty(f, "started_at");
  run.duration = ms_or_zero(f, "duration_ms");
  // "summary" is derived from results; it is not read back.
  for (const auto& r : f.at("results").items())
    run.results.push_back(result_from(r));
  return run;
}

}  // namespace

json to_json(const std::vector<RunResult>& runs) {
  json report = {
      {"schema", kReportSchema},
      {"generator", "stslab " STSLAB_VERSION},
      {"runs", json::array()},
  };
  for (const auto& run : runs)
    report["runs"].push_back(run_to_json(run));
  // Evidence is whatever the wire carried; make it dumpable with the strict handler.
  return text::valid_utf8_json(report);
}

std::vector<RunResult> runs_from_json(const json& report) {
  const Field top(report, "");
  const std::string schema = top.at("schema").string();
  if (schema != kReportSchema) {
    top.at("schema").fail("is '" + schema + "', this stslab reads '" + kReportSchema + "'");
  }
  std::vector<RunResult> runs;
  for (const auto& run : top.at("runs").items())
    runs.push_back(run_from(run));
  return runs;
}

}  // namespace stslab::harness
