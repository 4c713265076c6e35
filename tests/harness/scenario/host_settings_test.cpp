// The host settings registry (harness/scenario/host_settings.hpp): scenario files reach the
// fakes' settings and faults, values are parsed once into changes to the fakes' own structs,
// mistakes are file:line errors, null drops a setting, and every entry has its docs row.
#include "host_settings.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "stslab/dns/fault.hpp"
#include "temp_catalog.hpp"

namespace stslab::harness {
namespace {

using ::testing::HasSubstr;
using testing::TempCatalog;

std::string scenario_with(const std::string& world_lines,
                          const std::string& steps = "[{send: m1}]") {
  return "id: rfc8461/5/x\ntitle: t\nrequirements: [STS-APPLY-01]\nlevel: MUST\nworld: enforce\n" +
         world_lines + "steps: " + steps + "\nexpect: {m1: [withheld]}\n";
}

https::VirtualHost policy_vhost_of(const Scenario& s) {
  https::VirtualHost v;
  v.routes["/.well-known/mta-sts.txt"] = https::Response::text("version: STSv1\r\n");
  for (const auto& [key, change] : s.world.policy_host.settings)
    change(v);
  return v;
}

TEST(HostSettings, PolicyHostSettingsChangeItsVhost) {
  TempCatalog cat;
  const auto s = cat.load("a.yaml", scenario_with("policy_host: {tls_max: \"1.2\", delay_ms: 250, "
                                                  "handshake_alert: 40, filler_bytes: 70000}\n"));
  EXPECT_EQ(s.world.policy_host.settings.size(), 4u);
  const auto v = policy_vhost_of(s);
  EXPECT_EQ(v.tls.max, core::TlsVersion::tls1_2);
  EXPECT_EQ(v.tls.min, core::TlsVersion::tls1_2);  // untouched: the fake's default
  EXPECT_EQ(v.handshake_alert, 40);
  const auto& policy = v.routes.at("/.well-known/mta-sts.txt");
  EXPECT_EQ(policy.delay, std::chrono::milliseconds(250));
  EXPECT_EQ(policy.filler_bytes, 70000u);
  EXPECT_EQ(s.world.policy_host.status, 200u);  // the world's own fields kept
}

TEST(HostSettings, APolicyCanTrickle) {
  TempCatalog cat;
  const auto s = cat.load("a.yaml", scenario_with("policy_host: {trickle: {interval_ms: 250}}\n"));
  const auto vhost = policy_vhost_of(s);
  const auto& policy = vhost.routes.at("/.well-known/mta-sts.txt");
  EXPECT_EQ(policy.trickle.chunk_bytes, 1u);
  EXPECT_EQ(policy.trickle.interval, std::chrono::milliseconds(250));
  const auto errors =
      cat.errors_of("b.yaml", scenario_with("policy_host: {trickle: {chunk_bytes: 0}}\n"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field(), "policy_host.trickle.chunk_bytes");
}

TEST(HostSettings, MxSettingsChangeItsVhost) {
  TempCatalog cat;
  const auto s = cat.load(
      "a.yaml", scenario_with("mx:\n  mx1:\n    tls_min: \"1.3\"\n    chunking: true\n"
                              "    replies:\n      - {stage: starttls, code: 454, text: \"4.7.0 "
                              "TLS not available\"}\n      - {stage: rcpt, match: \"@b.test\"}\n"));
  ASSERT_EQ(s.world.mx.size(), 1u);
  smtp::Vhost v;
  for (const auto& [key, change] : s.world.mx[0].settings)
    change(v);
  EXPECT_EQ(v.tls.min, core::TlsVersion::tls1_3);
  EXPECT_TRUE(v.caps.chunking);
  ASSERT_EQ(v.replies.size(), 2u);
  EXPECT_EQ(v.replies[0].stage, smtp::Stage::starttls);
  EXPECT_EQ(v.replies[0].code, 454);
  EXPECT_EQ(v.replies[0].text, "4.7.0 TLS not available");
  EXPECT_EQ(v.replies[1].stage, smtp::Stage::rcpt);
  EXPECT_EQ(v.replies[1].code, 451);  // the reply's default
  EXPECT_EQ(v.replies[1].match, "@b.test");
}

TEST(HostSettings, AChangeStepCanDropASettingWithNull) {
  TempCatalog cat;
  const auto s =
      cat.load("a.yaml", scenario_with("policy_host: {delay_ms: 900}\n",
                                       "[{send: m1}, {change: {policy_host: {delay_ms: null}}}]"));
  EXPECT_EQ(s.world.policy_host.settings.count("delay_ms"), 1u);
  ASSERT_EQ(s.steps.size(), 2u);
  EXPECT_EQ(s.steps[1].change.policy_host.settings.count("delay_ms"), 0u);
}

TEST(HostSettings, BadValuesAreFileLineErrors) {
  TempCatalog cat;
  const auto errors = cat.errors_of(
      "a.yaml", scenario_with("policy_host: {tls_max: \"2.0\"}\n"
                              "mx: {mx1: {replies: [{stage: helo}], pipelining: maybe}}\n"));
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].where().line, 6);
  EXPECT_EQ(errors[0].field(), "policy_host.tls_max");
  EXPECT_THAT(errors[0].message(), HasSubstr("expected a TLS version"));
  EXPECT_EQ(errors[1].where().line, 7);
  EXPECT_EQ(errors[1].field(), "mx.mx1.replies[0].stage");
  EXPECT_EQ(errors[2].field(), "mx.mx1.pipelining");
}

TEST(HostSettings, AnUnknownKeyListsTheRegistry) {
  TempCatalog cat;
  const auto errors = cat.errors_of("a.yaml", scenario_with("policy_host: {slow: 1}\n"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0].message(), HasSubstr("delay_ms"));
  EXPECT_THAT(errors[0].message(), HasSubstr("handshake_alert"));
}

TEST(HostSettings, DnsFaultsAreTypedAtLoad) {
  TempCatalog cat;
  const auto s = cat.load("a.yaml", scenario_with("dns_faults:\n"
                                                  "  - {name: \"_mta-sts.{domain}\", fault: "
                                                  "servfail, type: TXT}\n"
                                                  "  - {name: \"mta-sts.{domain}\", fault: "
                                                  "timeout}\n"));
  ASSERT_EQ(s.world.dns_faults.size(), 2u);
  EXPECT_EQ(s.world.dns_faults[0].name, "_mta-sts.{domain}");
  EXPECT_EQ(s.world.dns_faults[0].fault, dns::Fault::servfail);
  EXPECT_EQ(s.world.dns_faults[0].type, "TXT");
  EXPECT_EQ(s.world.dns_faults[1].fault, dns::Fault::timeout);
  EXPECT_FALSE(s.world.dns_faults[1].type);

  const auto errors = cat.errors_of(
      "b.yaml", scenario_with("dns_faults: [{name: \"{domain}\", fault: slow, type: NOPE}]\n"));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].field(), "dns_faults[0].fault");
  EXPECT_THAT(errors[0].message(), HasSubstr("unknown DNS fault 'slow'"));
  EXPECT_EQ(errors[1].field(), "dns_faults[0].type");
}

// docs/scenario-format.md has a row for every entry, as `policy_host.KEY` or `mx.LABEL.KEY`.
TEST(HostSettings, EveryEntryHasItsDocsRow) {
  std::ifstream in(STSLAB_DOCS_DIR "/scenario-format.md");
  ASSERT_TRUE(in);
  std::stringstream text;
  text << in.rdbuf();
  for (const auto& s : detail::policy_host_settings()) {
    EXPECT_THAT(text.str(), HasSubstr("| `policy_host." + std::string(s.key) + "` |"));
  }
  for (const auto& s : detail::mx_settings()) {
    EXPECT_THAT(text.str(), HasSubstr("| `mx.LABEL." + std::string(s.key) + "` |"));
  }
}

}  // namespace
}  // namespace stslab::harness
