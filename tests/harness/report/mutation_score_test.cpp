// The selftest's rules (mutation.hpp): which scenarios can catch a defect, when it counts as
// caught, and when the reference counts as clean.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "stslab/harness/mutation.hpp"

namespace stslab::harness {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Scenario scenario(const std::string& id, std::vector<std::string> requirements) {
  Scenario s;
  s.id = id;
  s.requirements = std::move(requirements);
  return s;
}

ScenarioResult result(const std::string& id, Verdict verdict) {
  ScenarioResult r;
  r.scenario = id;
  r.verdict = verdict;
  r.reason = "because";
  return r;
}

const Defect kNoVerify{.target = "reference+no-cert-verify",
                       .name = "no-cert-verify",
                       .requirements = {"STS-CERT-02", "STS-APPLY-03"}};

TEST(MutationScore, ScenariosCitingAnyRequirementOfTheDefect) {
  const std::vector<Scenario> catalog{scenario("a", {"STS-CERT-01"}),
                                      scenario("b", {"STS-CERT-02", "STS-APPLY-02"}),
                                      scenario("c", {"STS-APPLY-03"})};
  EXPECT_THAT(scenarios_for(kNoVerify, catalog), ElementsAre("b", "c"));
}

TEST(MutationScore, FailOrWarnOnACitingScenarioCatches) {
  RunResult run;
  run.results = {result("b", Verdict::pass), result("c", Verdict::warn),
                 result("x", Verdict::fail)};  // x cites nothing the defect breaks
  const auto score = score_defect(kNoVerify, {"b", "c"}, &run);
  EXPECT_TRUE(score.caught());
  EXPECT_THAT(score.caught_by, ElementsAre("c"));
}

TEST(MutationScore, AFailElsewhereDoesNotCount) {
  RunResult run;
  run.results = {result("b", Verdict::pass), result("x", Verdict::fail)};
  const auto score = score_defect(kNoVerify, {"b"}, &run);
  EXPECT_FALSE(score.caught());
  EXPECT_THAT(score.problem, HasSubstr("passed"));
}

TEST(MutationScore, InconclusiveIsNotCaughtButIsExplained) {
  RunResult run;
  run.results = {result("b", Verdict::inconclusive)};
  const auto score = score_defect(kNoVerify, {"b"}, &run);
  EXPECT_FALSE(score.caught());
  EXPECT_THAT(score.inconclusive, ElementsAre(HasSubstr("b: INCONCLUSIVE")));
}

TEST(MutationScore, NoCitingScenarioAsksForOne) {
  const auto score = score_defect(kNoVerify, {}, nullptr);
  EXPECT_FALSE(score.caught());
  EXPECT_THAT(score.problem, HasSubstr("write one"));
}

TEST(MutationScore, MissingRunIsNotCaught) {
  const auto score = score_defect(kNoVerify, {"b"}, nullptr, "stslab run exited 2");
  EXPECT_FALSE(score.caught());
  EXPECT_EQ(score.problem, "stslab run exited 2");
}

TEST(MutationScore, ReferenceMustHaveNoFailAndNoWarn) {
  RunResult run;
  run.results = {result("a", Verdict::pass), result("b", Verdict::warn),
                 result("c", Verdict::inconclusive), result("d", Verdict::fail)};
  EXPECT_THAT(reference_failures(run), ElementsAre("b: WARN: because", "d: FAIL: because"));
  run.results = {result("a", Verdict::pass), result("c", Verdict::info)};
  EXPECT_THAT(reference_failures(run), IsEmpty());
}

TEST(MutationScore, ScoreLineAndPassing) {
  RunResult run;
  run.results = {result("b", Verdict::fail)};
  SelftestResult r{.reference = "reference"};
  r.defects.push_back(score_defect(kNoVerify, {"b"}, &run));
  r.defects.push_back(score_defect(kNoVerify, {}, nullptr));
  EXPECT_EQ(score_line(r), "mutation score: 1/2 (50%)");
  EXPECT_FALSE(r.passed());
  r.defects.pop_back();
  EXPECT_EQ(score_line(r), "mutation score: 1/1 (100%)");
  EXPECT_TRUE(r.passed());
  r.reference_failures.push_back("a: FAIL: x");
  EXPECT_FALSE(r.passed());
}

TEST(MutationScore, MarkdownNamesEveryDefectAndWhatCaughtIt) {
  RunResult run;
  run.results = {result("b", Verdict::fail)};
  SelftestResult r{.reference = "reference"};
  r.defects.push_back(score_defect(kNoVerify, {"b"}, &run));
  r.defects.push_back(score_defect(
      {.target = "reference+x", .name = "x", .requirements = {"STS-MX-01"}}, {}, nullptr));
  const auto md = render_selftest_markdown(r);
  EXPECT_THAT(md, HasSubstr("| `no-cert-verify` | STS-CERT-02, STS-APPLY-03 | b |"));
  EXPECT_THAT(md, HasSubstr("| `x` | STS-MX-01 | **not caught**: no scenario cites STS-MX-01"));
  const auto json = selftest_to_json(r);
  EXPECT_EQ(json["caught"], 1);
  EXPECT_EQ(json["total"], 2);
  EXPECT_EQ(json["passed"], false);
}

}  // namespace
}  // namespace stslab::harness
