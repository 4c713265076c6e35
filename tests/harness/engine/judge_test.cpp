// The judge on made-up journals, without a lab: message verdicts by level, the worst message
// decisive, credit for a withholding only with the enforce policy fetched, the evidence a
// verdict rests on, and every check of a report expectation.
#include "stslab/harness/judge.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace stslab::harness {
namespace {

using core::Source;
using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class JudgeTest : public ::testing::Test {
 protected:
  JudgeTest() {
    scenario.id = "rfc8461/5/case";
    scenario.title = "a case";
    scenario.requirements = {"STS-APPLY-01"};
    scenario.level = Level::must;
    scenario.world.policy = PolicySpec{};
    scenario.world.policy->mode = "enforce";
    scenario.world.policy->mx = {"mx1.{domain}"};
    scenario.expect["m1"] = {Outcome::withheld};
  }

  const std::string domain = "case.rfc8461-5.test";
  const std::string rcpt = "m1@" + domain;
  Scenario scenario;
  core::LabClock clock;
  core::Journal journal{clock};
  TimelineRecord record;

  std::uint64_t add(Source s, const std::string& kind, const std::string& host, json data,
                    const std::string& on = "") {
    journal.append(s, kind, on.empty() ? domain : on, host, std::move(data));
    return journal.last_seq();
  }
  void sent(const std::string& name) {
    record.sent.push_back({name, name + "@" + domain, journal.last_seq()});
  }
  void serve(bool enforce) { record.served.push_back({journal.last_seq(), enforce}); }
  std::uint64_t deferred(const std::string& who) {
    return add(Source::mta, "mta.delivery", "",
               {{"recipient", who}, {"status", "deferred"}, {"reason", "TLS is required"}});
  }
  std::uint64_t stored_over_tls(const std::string& who) {
    add(Source::smtp, "smtp.tls", "mx1." + domain,
        {{"session", 1},
         {"ok", true},
         {"version", "TLSv1.3"},
         {"cert_profile", "valid"},
         {"cert_host", "mx1." + domain}});
    return add(Source::smtp, "smtp.message", "mx1." + domain,
               {{"session", 1}, {"rcpts", json::array({who})}, {"tls", true}});
  }
  std::uint64_t policy_fetch() {
    return add(Source::https, "https.request", "",
               {{"method", "GET"},
                {"target", "/.well-known/mta-sts.txt"},
                {"status", 200},
                {"completed", true}},
               "mta-sts." + domain);
  }
  ScenarioResult judged() {
    record.end_seq = journal.last_seq();
    return judge_scenario(scenario, journal.all(), record);
  }
};

TEST_F(JudgeTest, AnExpectedOutcomePassesWithTheEventsItRestsOn) {
  scenario.expect["m1"] = {Outcome::delivered_tls};
  sent("m1");
  const auto seq = stored_over_tls(rcpt);
  const auto r = judged();
  EXPECT_EQ(r.verdict, Verdict::pass);
  EXPECT_EQ(r.outcome, Outcome::delivered_tls);
  ASSERT_EQ(r.messages.size(), 1u);
  ASSERT_FALSE(r.messages[0].evidence.empty());
  EXPECT_THAT(r.messages[0].evidence.back(), HasSubstr("event " + std::to_string(seq) + ": "));
  EXPECT_THAT(r.messages[0].evidence.back(), HasSubstr("stored message"));
  EXPECT_EQ(r.scenario, scenario.id);
  EXPECT_EQ(r.requirements, scenario.requirements);
}

TEST_F(JudgeTest, AnOutcomeOutsideTheListBreaksTheLevel) {
  scenario.expect["m1"] = {Outcome::withheld};
  sent("m1");
  stored_over_tls(rcpt);
  EXPECT_EQ(judged().verdict, Verdict::fail);
  scenario.level = Level::should;
  EXPECT_EQ(judged().verdict, Verdict::warn);
  scenario.level = Level::may;
  EXPECT_EQ(judged().verdict, Verdict::info);
}

TEST_F(JudgeTest, NothingObservedIsInconclusiveWithTheTimedOutWait) {
  sent("m1");
  record.problems = {"timed out after 30 s waiting for " + rcpt + " to settle (send)"};
  const auto r = judged();
  EXPECT_EQ(r.verdict, Verdict::inconclusive);
  EXPECT_THAT(r.reason, HasSubstr("timed out after 30 s"));
  EXPECT_EQ(r.evidence["problems"].size(), 1u);
}

TEST_F(JudgeTest, AMessageNeverSentIsAnError) {
  const auto r = judged();
  EXPECT_EQ(r.verdict, Verdict::error);
  EXPECT_THAT(r.reason, HasSubstr("never sent"));
}

TEST_F(JudgeTest, TheWorstMessageDecides) {
  scenario.expect["m1"] = {Outcome::delivered_tls};
  scenario.expect["m2"] = {Outcome::delivered_tls};
  sent("m1");
  stored_over_tls(rcpt);
  sent("m2");
  add(Source::smtp, "smtp.message", "mx1." + domain,
      {{"session", 2}, {"rcpts", json::array({"m2@" + domain})}, {"tls", false}});
  const auto r = judged();
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_EQ(r.outcome, Outcome::delivered_plaintext);
  EXPECT_THAT(r.reason, ::testing::StartsWith("m2: "));
}

TEST_F(JudgeTest, ALabFailureIsAnErrorAndJudgesNoMessage) {
  sent("m1");
  deferred(rcpt);
  record.lab_failure = "the policy host did not start";
  const auto r = judged();
  EXPECT_EQ(r.verdict, Verdict::error);
  EXPECT_EQ(r.reason, "the lab failed: the policy host did not start");
  EXPECT_TRUE(r.messages.empty());
}

TEST_F(JudgeTest, AWithholdingUnderEnforceCountsOnlyWithThePolicyFetched) {
  serve(true);
  sent("m1");
  deferred(rcpt);
  auto r = judged();
  EXPECT_EQ(r.verdict, Verdict::inconclusive);
  EXPECT_THAT(r.reason, HasSubstr("never fetched the enforce policy"));

  scenario.expect_policy_fetch = true;
  r = judged();
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_THAT(r.reason, HasSubstr("fetching it is the requirement"));
}

TEST_F(JudgeTest, AFetchBeforeTheWithholdingCreditsIt) {
  serve(true);
  const auto fetch = policy_fetch();
  sent("m1");
  deferred(rcpt);
  const auto r = judged();
  EXPECT_EQ(r.verdict, Verdict::pass);
  EXPECT_THAT(r.reason, HasSubstr("(event " + std::to_string(fetch) + ")"));
  EXPECT_THAT(r.messages[0].evidence.back(), HasSubstr("event " + std::to_string(fetch) + ": GET"));
}

TEST_F(JudgeTest, AFetchWhileATestingPolicyWasServedDoesNotCount) {
  serve(false);
  policy_fetch();
  serve(true);
  sent("m1");
  deferred(rcpt);
  EXPECT_EQ(judged().verdict, Verdict::inconclusive);
}

TEST_F(JudgeTest, AWithholdingWithoutAnEnforcePolicyNeedsNoFetch) {
  serve(false);
  sent("m1");
  deferred(rcpt);
  EXPECT_EQ(judged().verdict, Verdict::pass);
}

class ReportJudgeTest : public JudgeTest {
 protected:
  ReportJudgeTest() {
    scenario.expect["m1"] = {Outcome::delivered_plaintext};
    scenario.expect_report.types = {"starttls-not-supported"};
    scenario.world.policy->mode = "testing";
    sent("m1");
    add(Source::smtp, "smtp.message", "mx1." + domain,
        {{"session", 1}, {"rcpts", json::array({rcpt})}, {"tls", false}});
  }

  // A report as the collector journals it: the decoded report, its analysis, signatures.
  json report(const std::string& type, json findings = json::array(),
              json policy_string = json::array()) {
    json analysis = {
        {"status", "ok"},
        {"domains",
         json::array({{{"policy-domain", domain}, {"failures-by-result-type", {{type, 1}}}}})},
        {"findings", std::move(findings)}};
    json policy = {{"policy-type", "sts"}, {"policy-domain", domain}};
    if (!policy_string.empty()) policy["policy-string"] = std::move(policy_string);
    return {{"transport", "mailto"},
            {"analysis", std::move(analysis)},
            {"report", {{"policies", json::array({{{"policy", std::move(policy)}}})}}}};
  }
  void arrives(json data) { add(Source::harness, "tlsrpt.report", "", std::move(data)); }
};

TEST_F(ReportJudgeTest, TheInducedFailureReportedPasses) {
  arrives(report("starttls-not-supported"));
  const auto r = judged();
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  EXPECT_TRUE(r.reported);
  EXPECT_THAT(r.evidence["tlsrpt"]["reported"], ElementsAre("starttls-not-supported"));
}

TEST_F(ReportJudgeTest, NoReportBreaksTheLevel) {
  auto r = judged();
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_EQ(r.reason, "report: no TLS-RPT report for " + domain + " arrived");
  EXPECT_FALSE(r.reported);
  scenario.level = Level::should;
  EXPECT_EQ(judged().verdict, Verdict::warn);
}

TEST_F(ReportJudgeTest, AReportWithoutTheInducedFailureIsNotEnough) {
  arrives(report("certificate-expired"));
  const auto r = judged();
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_THAT(r.reason, HasSubstr("does not name the induced failure (starttls-not-supported)"));
  EXPECT_FALSE(r.reported);
}

TEST_F(ReportJudgeTest, ValidatorFindingsLowerTheVerdict) {
  const json sloppy = {
      {"id", "RPT-34"}, {"level", "SHOULD"}, {"severity", "sloppy"}, {"message", "no time zone"}};
  arrives(report("starttls-not-supported", json::array({sloppy})));
  EXPECT_EQ(judged().verdict, Verdict::warn);
  const json invalid = {{"id", "RPT-21"},
                        {"level", "MUST"},
                        {"severity", "invalid"},
                        {"message", "\"policies\" is missing"}};
  arrives(report("starttls-not-supported", json::array({invalid})));
  const auto r = judged();
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_THAT(r.reason, HasSubstr("invalid report: mailto: RPT-21 (MUST)"));
}

TEST_F(ReportJudgeTest, AnUnreadableReportIsInvalidNotACrash) {
  scenario.level = Level::should;  // the missing type only WARNs; the invalid report FAILs
  arrives({{"transport", "https"}, {"analysis", "garbage"}, {"error", "not JSON"}});
  const auto r = judged();
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_THAT(r.reason, HasSubstr("unreadable report"));
}

TEST_F(ReportJudgeTest, APolicyStringMustBeAPolicyServedUnlessTheScenarioWaivesIt) {
  const json served = {"version: STSv1", "mode: testing", "mx: mx1." + domain, "max_age: 86400"};
  arrives(report("starttls-not-supported", json::array(), served));
  EXPECT_EQ(judged().verdict, Verdict::pass) << judged().reason;
  arrives(report("starttls-not-supported", json::array(), {"version: STSv1", "mode: enforce"}));
  EXPECT_EQ(judged().verdict, Verdict::fail);
  EXPECT_THAT(judged().reason, HasSubstr("not a policy this domain served"));
  scenario.expect_report.policy_string_served = false;
  EXPECT_EQ(judged().verdict, Verdict::pass);
}

TEST_F(ReportJudgeTest, ADeclaredDkimCheckNeedsAVerifiedSignature) {
  auto data = report("starttls-not-supported");
  data["dkim"] = json::array({{{"status", "no-key"},
                               {"domain", "sender.test"},
                               {"selector", "s1"},
                               {"detail", "no key in DNS"}}});
  arrives(data);
  EXPECT_EQ(judged().verdict, Verdict::pass);
  scenario.expect_report.dkim_verified = true;
  EXPECT_EQ(judged().verdict, Verdict::inconclusive);
  data["dkim"][0]["status"] = "verified";
  arrives(data);
  const auto r = judged();
  EXPECT_EQ(r.verdict, Verdict::pass) << r.reason;
  EXPECT_THAT(r.evidence["tlsrpt"]["dkim"].back().get<std::string>(),
              HasSubstr("verified (d=sender.test, s=s1)"));
}

}  // namespace
}  // namespace stslab::harness
