// A good scenario file becomes the right structs: identity, world, steps (shorthands included),
// expectations and needs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "temp_catalog.hpp"

namespace stslab::harness {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::TempCatalog;

constexpr const char* good = R"(# the doc's example, extended
id: rfc8461/5/enforce-starttls-stripped
title: STARTTLS stripped from the only MX while an enforce policy is cached
requirements: [STS-APPLY-01, STS-CACHE-07]
level: MUST
topics: [starttls, enforce]
world: enforce
tlsrpt_record: "v=TLSRPTv1; rua=mailto:r@{domain}"
steps:
  - prime
  - attack: {mx1: strip-starttls}
  - send: m1
  - flush
  - bump_id
  - remove_sts_record
  - advance: 1h30m
  - clear_cache
  - change: {policy: {mode: testing}}
  - send: m2
expect:
  m1: [withheld]
  m2: [delivered-plaintext, withheld]
)";

TEST(ScenarioFile, GoodFileLoads) {
  TempCatalog cat;
  const Scenario s = cat.load("rfc8461/5/enforce-starttls-stripped.yaml", good);
  EXPECT_EQ(s.id, "rfc8461/5/enforce-starttls-stripped");
  EXPECT_EQ(s.title, "STARTTLS stripped from the only MX while an enforce policy is cached");
  EXPECT_THAT(s.requirements, ElementsAre("STS-APPLY-01", "STS-CACHE-07"));
  EXPECT_EQ(s.level, Level::must);
  EXPECT_THAT(s.topics, ElementsAre("starttls", "enforce"));
  EXPECT_EQ(s.base_world, "enforce");
  EXPECT_EQ(s.where.line, 2);  // the id's line
  EXPECT_THAT(s.where.file, HasSubstr("enforce-starttls-stripped.yaml"));
  // Steps imply their capabilities.
  EXPECT_THAT(s.needs, ElementsAre("clear-cache", "flush", "time"));
  EXPECT_THAT(s.expect.at("m1"), ElementsAre(Outcome::withheld));
  EXPECT_THAT(s.expect.at("m2"), ElementsAre(Outcome::delivered_plaintext, Outcome::withheld));
}

TEST(ScenarioFile, WorldIsTheBasePlusTheScenarioKeys) {
  TempCatalog cat;
  const Scenario s = cat.load("a.yaml", good);
  const WorldSpec& w = s.world;
  EXPECT_EQ(w.sts_record, "v=STSv1; id={policy_id}");
  EXPECT_EQ(w.policy_id, "1");
  ASSERT_TRUE(w.policy);
  EXPECT_EQ(w.policy->mode, "enforce");
  EXPECT_THAT(w.policy->mx, ElementsAre("mx1.{domain}"));
  EXPECT_EQ(w.policy->max_age, "86400");
  EXPECT_EQ(w.policy->line_ending, "\r\n");
  EXPECT_TRUE(w.policy_host.up);
  EXPECT_EQ(w.policy_host.status, 200u);
  ASSERT_EQ(w.mx.size(), 1u);
  EXPECT_EQ(w.mx[0].label, "mx1");
  EXPECT_EQ(w.mx[0].attack, "pass");
  EXPECT_EQ(w.tlsrpt_record, "v=TLSRPTv1; rua=mailto:r@{domain}");
}

TEST(ScenarioFile, StepsAndShorthands) {
  TempCatalog cat;
  const Scenario s = cat.load("a.yaml", good);
  ASSERT_EQ(s.steps.size(), 10u);
  std::vector<Step::Kind> kinds;
  for (const auto& step : s.steps)
    kinds.push_back(step.kind);
  using K = Step::Kind;
  EXPECT_THAT(kinds, ElementsAre(K::prime, K::change, K::send, K::flush, K::change, K::change,
                                 K::advance, K::clear_cache, K::change, K::send));
  // Each step knows its line.
  EXPECT_EQ(s.steps[0].where.line, 10);
  EXPECT_EQ(s.steps[9].where.line, 19);

  // attack: the whole world after the change, with a readable summary.
  const Step& attack = s.steps[1];
  EXPECT_EQ(attack.change.mx.at(0).attack, "strip-starttls");
  EXPECT_TRUE(attack.change.policy.has_value());
  EXPECT_EQ(attack.summary, "attack mx1: strip-starttls");

  EXPECT_EQ(s.steps[2].message, "m1");

  // bump_id: a new id; earlier changes carry over.
  const Step& bump = s.steps[4];
  EXPECT_EQ(bump.change.policy_id, "2");
  EXPECT_EQ(bump.change.mx.at(0).attack, "strip-starttls");
  EXPECT_EQ(bump.summary, "bump the policy id: 1 -> 2");

  const Step& remove = s.steps[5];
  EXPECT_FALSE(remove.change.sts_record.has_value());
  EXPECT_EQ(remove.change.policy_id, "2");

  EXPECT_EQ(s.steps[6].by, std::chrono::seconds(5400));

  const Step& change = s.steps[8];
  ASSERT_TRUE(change.change.policy);
  EXPECT_EQ(change.change.policy->mode, "testing");
  EXPECT_FALSE(change.change.sts_record.has_value());  // still removed
  EXPECT_THAT(change.summary, HasSubstr("policy"));
  EXPECT_THAT(change.summary, HasSubstr("testing"));

  // The scenario's starting world is untouched by the steps.
  EXPECT_EQ(s.world.mx.at(0).attack, "pass");
  EXPECT_EQ(s.world.policy_id, "1");
}

TEST(ScenarioFile, AttackTextCarriesParameters) {
  TempCatalog cat;
  const Scenario s = cat.load("a.yaml", R"(id: rfc8461/4-2/x
title: t
requirements: [STS-CERT-02]
level: MUST
world: enforce
steps:
  - prime
  - attack: {mx1: "intercept-tls profile=untrusted-ca"}
  - send: m1
  - attack: {mx1: pass}
  - send: m2
expect:
  m1: [withheld]
)");
  const MxSpec& mx = s.steps[1].change.mx.at(0);
  EXPECT_EQ(mx.attack, "intercept-tls");
  EXPECT_THAT(mx.attack_params,
              ElementsAre(std::pair<const std::string, std::string>("profile", "untrusted-ca")));
  // A new attack replaces the old parameters.
  EXPECT_TRUE(s.steps[3].change.mx.at(0).attack_params.empty());
  // m2 is sent but not scored.
  EXPECT_FALSE(s.expect.contains("m2"));
}

TEST(ScenarioFile, DeclaredNeedsAreKeptAndMerged) {
  TempCatalog cat;
  const Scenario s = cat.load("a.yaml", R"(id: rfc8460/4-3/x
title: t
requirements: [RPT-30]
level: SHOULD
world: enforce
needs: [tls-rpt, flush]
steps:
  - send: m1
  - flush
expect: {m1: [delivered-tls]}
)");
  EXPECT_THAT(s.needs, ElementsAre("flush", "tls-rpt"));
  EXPECT_EQ(s.level, Level::should);
  EXPECT_TRUE(s.topics.empty());
}

TEST(ScenarioFile, BumpIdCountsUp) {
  TempCatalog cat;
  const Scenario s = cat.load("a.yaml", R"(id: rfc8461/3-1/x
title: t
requirements: [STS-CACHE-02]
level: MUST
world: enforce
policy_id: "20250199"
steps:
  - bump_id
  - bump_id
  - change: {policy_id: abc}
  - bump_id
  - send: m1
expect: {m1: [withheld]}
)");
  EXPECT_EQ(s.steps[0].change.policy_id, "20250200");
  EXPECT_EQ(s.steps[1].change.policy_id, "20250201");
  EXPECT_EQ(s.steps[3].change.policy_id, "abc2");
}

TEST(ScenarioFile, ParseDuration) {
  EXPECT_EQ(parse_duration("90s"), std::chrono::seconds(90));
  EXPECT_EQ(parse_duration("2m"), std::chrono::seconds(120));
  EXPECT_EQ(parse_duration("1d2h"), std::chrono::seconds(86400 + 7200));
  EXPECT_THROW(parse_duration("2"), std::invalid_argument);
  EXPECT_THROW(parse_duration("2w"), std::invalid_argument);
  EXPECT_THROW(parse_duration("0s"), std::invalid_argument);
  EXPECT_THROW(parse_duration("-1s"), std::invalid_argument);
  EXPECT_THROW(parse_duration(""), std::invalid_argument);
}

}  // namespace
}  // namespace stslab::harness
