#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "sample_runs.hpp"
#include "stslab/harness/result.hpp"

namespace stslab::harness {
namespace {

using fixtures::sample_result;
using fixtures::sample_runs;
using nlohmann::json;
using ::testing::HasSubstr;

std::set<std::string> keys(const json& object) {
  std::set<std::string> out;
  for (const auto& [key, value] : object.items())
    out.insert(key);
  return out;
}

// Runs runs_from_json and returns its complaint, or "" if it accepted the report.
std::string complaint(const json& report) {
  try {
    runs_from_json(report);
  } catch (const ReportFormatError& e) {
    return e.what();
  }
  return "";
}

TEST(ReportJson, TopLevelShapeFollowsTheSchema) {
  const json report = to_json(sample_runs());
  EXPECT_EQ(keys(report), (std::set<std::string>{"schema", "generator", "runs"}));
  EXPECT_EQ(report["schema"], "stslab.report/1");
  EXPECT_THAT(report["generator"].get<std::string>(), HasSubstr("stslab "));
  ASSERT_EQ(report["runs"].size(), 2u);

  const json& run = report["runs"][0];
  EXPECT_EQ(keys(run),
            (std::set<std::string>{"target", "started_at", "duration_ms", "summary", "results"}));
  EXPECT_EQ(run["target"],
            json({{"adapter", "postfix"},
                  {"versions", {{"postfix", "3.7.11"}, {"postfix-mta-sts-resolver", "1.4.0"}}}}));
  EXPECT_EQ(run["duration_ms"], 8200);

  const json& fail = run["results"][1];
  EXPECT_EQ(keys(fail),
            (std::set<std::string>{"scenario", "title", "requirements", "level", "topics",
                                   "expected", "outcome", "reported", "verdict", "reason",
                                   "messages", "duration_ms", "harness_overhead_ms", "evidence"}));
  EXPECT_EQ(fail["scenario"], "v/fail");
  EXPECT_EQ(fail["level"], "MUST");
  EXPECT_EQ(fail["expected"], json({"withheld"}));
  EXPECT_EQ(fail["outcome"], "delivered-plaintext");
  EXPECT_EQ(fail["reported"], false);
  EXPECT_EQ(fail["verdict"], "FAIL");
  EXPECT_EQ(fail["duration_ms"], 1234);
  EXPECT_EQ(fail["harness_overhead_ms"], 56);
  EXPECT_EQ(fail["messages"][0], json({{"name", "m1"},
                                       {"recipient", "m1@example.test"},
                                       {"expected", {"withheld", "delivered-tls"}},
                                       {"outcome", "delivered-plaintext"},
                                       {"verdict", "FAIL"},
                                       {"reason", "reason for fail"},
                                       {"evidence",
                                        {"event 7: #1 mx1.example.test stored message for "
                                         "m1@example.test in plaintext"}}}));
  EXPECT_EQ(fail["evidence"]["smtp"][0], "S: 220 mx1.example.test ESMTP");

  // Not observed is null, not a made-up word.
  EXPECT_TRUE(run["results"][4]["outcome"].is_null());
  EXPECT_EQ(run["results"][4]["verdict"], "INCONCLUSIVE");
}

TEST(ReportJson, SummaryCountsEveryVerdict) {
  const json report = to_json(sample_runs());
  EXPECT_EQ(report["runs"][0]["summary"], json({{"total", 7},
                                                {"PASS", 1},
                                                {"FAIL", 1},
                                                {"WARN", 1},
                                                {"INFO", 1},
                                                {"INCONCLUSIVE", 1},
                                                {"UNSUPPORTED", 1},
                                                {"ERROR", 1}}));
  EXPECT_EQ(report["runs"][1]["summary"], json({{"total", 3},
                                                {"PASS", 2},
                                                {"FAIL", 1},
                                                {"WARN", 0},
                                                {"INFO", 0},
                                                {"INCONCLUSIVE", 0},
                                                {"UNSUPPORTED", 0},
                                                {"ERROR", 0}}));
  EXPECT_EQ(summary_line(sample_runs()[1]),
            "PASS 2, FAIL 1, WARN 0, INFO 0, INCONCLUSIVE 0, UNSUPPORTED 0, ERROR 0");
}

TEST(ReportJson, RoundTripsEverything) {
  const auto runs = sample_runs();
  EXPECT_EQ(runs_from_json(to_json(runs)), runs);
  // Through text too, as a reader of report.json sees it.
  EXPECT_EQ(runs_from_json(json::parse(to_json(runs).dump(2))), runs);
}

TEST(ReportJson, RoundTripsEmptyAndDefaultValues) {
  EXPECT_EQ(runs_from_json(to_json({})), std::vector<RunResult>{});
  RunResult bare;
  bare.target.adapter = "x";
  bare.results.push_back(ScenarioResult{});
  EXPECT_EQ(runs_from_json(to_json({bare})), std::vector<RunResult>{bare});
}

TEST(ReportJson, RoundTripIsSensitiveToEveryField) {
  // A round trip that dropped a field would still compare equal if the field never differed
  // from its default; change each one and check that the difference survives.
  const auto base = sample_runs();
  std::vector<std::function<void(RunResult&)>> edits = {
      [](RunResult& r) { r.target.adapter = "exim"; },
      [](RunResult& r) { r.target.versions["exim"] = "4.96"; },
      [](RunResult& r) { r.started_at = "2030-01-01T00:00:00Z"; },
      [](RunResult& r) { r.duration += std::chrono::milliseconds(1); },
      [](RunResult& r) { r.results[0].title = "t"; },
      [](RunResult& r) { r.results[0].requirements.push_back("TLSRPT-01"); },
      [](RunResult& r) { r.results[0].level = Level::may; },
      [](RunResult& r) { r.results[0].topics.clear(); },
      [](RunResult& r) { r.results[0].expected.push_back(Outcome::delivered_untrusted_tls); },
      [](RunResult& r) { r.results[0].outcome = std::nullopt; },
      [](RunResult& r) { r.results[0].reported = !r.results[0].reported; },
      [](RunResult& r) { r.results[0].verdict = Verdict::error; },
      [](RunResult& r) { r.results[0].reason = "other"; },
      [](RunResult& r) { r.results[0].duration = std::chrono::milliseconds(1); },
      [](RunResult& r) { r.results[0].harness_overhead = std::chrono::milliseconds(2); },
      [](RunResult& r) { r.results[0].evidence["mta"] = {"deferred"}; },
      [](RunResult& r) { r.results[0].messages[0].name = "m9"; },
      [](RunResult& r) { r.results[0].messages[0].recipient = "x@y.test"; },
      [](RunResult& r) { r.results[0].messages[0].expected = {}; },
      [](RunResult& r) { r.results[0].messages[0].outcome = Outcome::withheld; },
      [](RunResult& r) { r.results[0].messages[0].verdict = Verdict::warn; },
      [](RunResult& r) { r.results[0].messages[0].reason = "m"; },
  };
  for (std::size_t i = 0; i < edits.size(); ++i) {
    auto changed = base;
    edits[i](changed[0]);
    ASSERT_NE(changed, base) << "edit " << i;
    EXPECT_EQ(runs_from_json(to_json(changed)), changed) << "edit " << i;
  }
}

TEST(ReportJson, HostileTextBecomesValidJson) {
  auto runs = sample_runs();
  auto& r = runs[0].results[0];
  r.reason = fixtures::kHostile;
  r.evidence["smtp"].push_back(fixtures::kHostile);
  r.evidence[fixtures::kHostile] = fixtures::kHostile;
  const json report = to_json(runs);
  // The default (strict) error handler throws on invalid UTF-8; it must not have to.
  std::string text;
  ASSERT_NO_THROW(text = report.dump());
  const json back = json::parse(text);
  const std::string reason = back["runs"][0]["results"][0]["reason"];
  EXPECT_THAT(reason, HasSubstr("bad:\xEF\xBF\xBD\xEF\xBF\xBD( ]]>"));
  EXPECT_THAT(reason, HasSubstr("<b>&amp; | pipe\nnext line\r\n\ttab \x01\x1f\x7f"));
  EXPECT_EQ(back["runs"][0]["results"][0]["evidence"]["smtp"].back(), reason);
  EXPECT_NO_THROW(runs_from_json(back));
}

TEST(ReportJson, WrongSchemaIsAClearError) {
  json report = to_json(sample_runs());
  report["schema"] = "stslab.report/2";
  EXPECT_THAT(complaint(report), HasSubstr("schema: is 'stslab.report/2'"));
  EXPECT_THAT(complaint(report), HasSubstr("stslab.report/1"));
  report.erase("schema");
  EXPECT_EQ(complaint(report), "report: schema: missing");
  EXPECT_EQ(complaint(json::array()), "report: top level: expected an object, got array");
}

TEST(ReportJson, BadFieldsNameTheirPath) {
  const json good = to_json(sample_runs());
  auto with = [&](const json::json_pointer& where, const json& value) {
    json report = good;
    report[where] = value;
    return complaint(report);
  };
  EXPECT_THAT(with("/runs/1/results/2/verdict"_json_pointer, "PASSED"),
              HasSubstr("runs[1].results[2].verdict: unknown verdict 'PASSED' (known: PASS,"));
  EXPECT_THAT(with("/runs/0/results/0/level"_json_pointer, "must"),
              HasSubstr("runs[0].results[0].level: unknown level 'must'"));
  EXPECT_THAT(with("/runs/0/results/0/expected/0"_json_pointer, "bounced"),
              HasSubstr("runs[0].results[0].expected[0]: unknown outcome 'bounced'"));
  EXPECT_THAT(with("/runs/0/results/0/messages/0/outcome"_json_pointer, 3),
              HasSubstr("runs[0].results[0].messages[0].outcome: expected a string, got number"));
  EXPECT_THAT(with("/runs/0/results/0/duration_ms"_json_pointer, -5),
              HasSubstr("runs[0].results[0].duration_ms: expected a non-negative integer, got -5"));
  EXPECT_THAT(with("/runs/0/results/0/duration_ms"_json_pointer, 1.5),
              HasSubstr("expected a non-negative integer, got 1.5"));
  EXPECT_THAT(with("/runs/0/results/0/reported"_json_pointer, "yes"),
              HasSubstr("runs[0].results[0].reported: expected true or false, got string"));
  EXPECT_THAT(with("/runs/0/results/0/evidence"_json_pointer, json::array()),
              HasSubstr("runs[0].results[0].evidence: expected an object, got array"));
  EXPECT_THAT(with("/runs/0/results"_json_pointer, json::object()),
              HasSubstr("runs[0].results: expected an array, got object"));
  EXPECT_THAT(with("/runs/0/target"_json_pointer, json::object()),
              HasSubstr("runs[0].target.adapter: missing"));

  json no_scenario = good;
  no_scenario["runs"][0]["results"][3].erase("scenario");
  EXPECT_EQ(complaint(no_scenario), "report: runs[0].results[3].scenario: missing");
}

TEST(ReportJson, OptionalFieldsMayBeAbsentOrNull) {
  const json minimal = {
      {"schema", "stslab.report/1"},
      {"runs",
       {{{"target", {{"adapter", "postfix"}}},
         {"results",
          {{{"scenario", "a/b/c"},
            {"level", "SHOULD"},
            {"verdict", "WARN"},
            {"outcome", nullptr},
            {"evidence", nullptr}}}}}}},
  };
  const auto runs = runs_from_json(minimal);
  ASSERT_EQ(runs.size(), 1u);
  ASSERT_EQ(runs[0].results.size(), 1u);
  const auto& r = runs[0].results[0];
  EXPECT_EQ(r.scenario, "a/b/c");
  EXPECT_EQ(r.level, Level::should);
  EXPECT_EQ(r.verdict, Verdict::warn);
  EXPECT_EQ(r.outcome, std::nullopt);
  EXPECT_TRUE(r.expected.empty());
  EXPECT_EQ(r.evidence, json::object());
  EXPECT_EQ(runs[0].target.versions, json::object());
}

}  // namespace
}  // namespace stslab::harness
