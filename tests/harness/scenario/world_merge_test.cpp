// The merge rule (docs/scenario-format.md "Worlds"): maps merge key by key, lists and scalars
// replace, mx merges by label, null removes what is optional; world files may start from others.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "temp_catalog.hpp"

namespace stslab::harness {
namespace {

using ::testing::ElementsAre;
using testing::TempCatalog;

std::string scenario_with(const std::string& world_lines, const std::string& world = "enforce") {
  return "id: rfc8461/5/x\ntitle: t\nrequirements: [STS-APPLY-01]\nlevel: MUST\nworld: " + world +
         "\n" + world_lines + "steps: [{send: m1}]\nexpect: {m1: [withheld]}\n";
}

TEST(WorldMerge, MapsMergeKeyByKey) {
  TempCatalog cat;
  const auto s = cat.load("a.yaml", scenario_with("policy: {mode: testing}\n"
                                                  "policy_host: {status: 404}\n"));
  ASSERT_TRUE(s.world.policy);
  EXPECT_EQ(s.world.policy->mode, "testing");
  EXPECT_EQ(s.world.policy->version, "STSv1");                   // kept from the base
  EXPECT_THAT(s.world.policy->mx, ElementsAre("mx1.{domain}"));  // kept
  EXPECT_EQ(s.world.policy_host.status, 404u);
  EXPECT_EQ(s.world.policy_host.cert, core::CertProfile::valid);  // kept
}

TEST(WorldMerge, PolicyHostCanRequireSni) {
  TempCatalog cat;
  const auto plain = cat.load("a.yaml", scenario_with(""));
  EXPECT_FALSE(plain.world.policy_host.sni_required);
  const auto sni = cat.load("b.yaml", scenario_with("policy_host: {sni_required: true}\n"));
  EXPECT_TRUE(sni.world.policy_host.sni_required);
  EXPECT_EQ(sni.world.policy_host.status, 200u);  // the rest kept from the base
}

TEST(WorldMerge, ListsAndScalarsReplace) {
  TempCatalog cat;
  const auto s = cat.load("a.yaml", scenario_with("policy: {mx: [\"a.{domain}\", \"b.{domain}\"], "
                                                  "max_age: -1}\n"
                                                  "dns: [\"{domain} TXT hello\"]\n"));
  EXPECT_THAT(s.world.policy->mx, ElementsAre("a.{domain}", "b.{domain}"));
  EXPECT_EQ(s.world.policy->max_age, "-1");  // served as written, invalid on purpose
  EXPECT_THAT(s.world.dns, ElementsAre("{domain} TXT hello"));
}

TEST(WorldMerge, MxMergesByLabel) {
  TempCatalog cat;
  const auto s =
      cat.load("a.yaml", scenario_with("mx:\n  mx1: {cert: expired}\n  mx2: {preference: 20}\n"
                                       "  backup: {in_dns: false, starttls: false}\n"));
  ASSERT_EQ(s.world.mx.size(), 3u);
  EXPECT_EQ(s.world.mx[0].label, "mx1");
  EXPECT_EQ(s.world.mx[0].cert, core::CertProfile::expired);
  EXPECT_EQ(s.world.mx[0].preference, 10);  // kept
  EXPECT_EQ(s.world.mx[1].label, "mx2");
  EXPECT_EQ(s.world.mx[1].preference, 20);
  EXPECT_EQ(s.world.mx[1].cert, core::CertProfile::valid);  // a new host starts from the defaults
  EXPECT_FALSE(s.world.mx[2].in_dns);
  EXPECT_FALSE(s.world.mx[2].starttls);
}

TEST(WorldMerge, NullRemovesOptionalThings) {
  TempCatalog cat;
  const auto s = cat.load("a.yaml", scenario_with("sts_record: null\npolicy: ~\nmx: {mx1: null}\n"
                                                  "tlsrpt_record: null\n"));
  EXPECT_FALSE(s.world.sts_record);
  EXPECT_FALSE(s.world.policy);
  EXPECT_TRUE(s.world.mx.empty());
  EXPECT_FALSE(s.world.tlsrpt_record);
}

TEST(WorldMerge, PolicyAfterNullStartsFromDefaults) {
  TempCatalog cat;
  cat.write("worlds/bare.yaml", "sts_record: null\npolicy: null\n");
  const auto s =
      cat.load("a.yaml", scenario_with("policy: {mode: none, line_ending: lf}\n", "bare"));
  ASSERT_TRUE(s.world.policy);
  EXPECT_EQ(s.world.policy->mode, "none");
  EXPECT_EQ(s.world.policy->version, "STSv1");
  EXPECT_EQ(s.world.policy->max_age, "86400");
  EXPECT_TRUE(s.world.policy->mx.empty());
  EXPECT_EQ(s.world.policy->line_ending, "\n");
}

TEST(WorldMerge, WorldFilesStartFromOtherWorlds) {
  TempCatalog cat;
  cat.write("worlds/testing.yaml", "world: enforce\npolicy: {mode: testing}\n");
  cat.write("worlds/testing-stripped.yaml",
            "world: testing\nmx: {mx1: {attack: strip-starttls}}\n");
  const auto s = cat.load("a.yaml", scenario_with("", "testing-stripped"));
  EXPECT_EQ(s.base_world, "testing-stripped");
  EXPECT_EQ(s.world.policy->mode, "testing");
  EXPECT_THAT(s.world.policy->mx, ElementsAre("mx1.{domain}"));
  EXPECT_EQ(s.world.mx.at(0).attack, "strip-starttls");
}

TEST(WorldMerge, ChangeStepsMergeOverTheCurrentWorld) {
  TempCatalog cat;
  const auto s = cat.load("a.yaml", R"(id: rfc8461/3-1/x
title: t
requirements: [STS-CACHE-02]
level: MUST
world: enforce
steps:
  - prime
  - change:
      mx: {mx1: null, mx2: {}}
      policy: {mx: ["mx2.{domain}"]}
  - change: {mx: {mx2: {attack: "intercept-tls profile=self-signed"}}}
  - change: {mx: {mx2: {attack_params: {host: evil.test}}}}
  - send: m1
expect: {m1: [withheld]}
)");
  const WorldSpec& first = s.steps[1].change;
  ASSERT_EQ(first.mx.size(), 1u);
  EXPECT_EQ(first.mx[0].label, "mx2");
  EXPECT_THAT(first.policy->mx, ElementsAre("mx2.{domain}"));
  EXPECT_EQ(first.policy->mode, "enforce");
  const MxSpec& third = s.steps[3].change.mx.at(0);
  EXPECT_EQ(third.attack, "intercept-tls");
  EXPECT_EQ(third.attack_params.at("profile"), "self-signed");  // attack_params merges
  EXPECT_EQ(third.attack_params.at("host"), "evil.test");
}

}  // namespace
}  // namespace stslab::harness
