// analyze(): the fixtures end to end, and the inputs that are no report at all.
#include "stslab/tlsrpt/analyze.hpp"

#include <gtest/gtest.h>

#include "stslab/tlsrpt/gzip.hpp"
#include "test_support.hpp"

namespace stslab::tlsrpt {
namespace {

using testing::describe;
using testing::fixture;
using testing::has_finding;

Analysis analyze_fixture(const std::string& name, Transport transport = Transport::file) {
  return analyze(fixture(name), {.transport = transport, .filename = name});
}

void expect_seed_summary(const Analysis& a) {
  ASSERT_FALSE(a.error) << a.error->what();
  ASSERT_EQ(a.summary.size(), 1u);
  EXPECT_EQ(format_rate(a.summary[0].success_basis_points), "99.93");
  ASSERT_EQ(a.summary[0].failures.size(), 1u);
  EXPECT_EQ(a.summary[0].failures[0].result_type, "certificate-expired");
  EXPECT_EQ(a.summary[0].failures[0].receiving_mx_hostname, "mail2.example.com");
}

TEST(Analyze, SeedJson) {
  const Analysis a = analyze_fixture("seed001-google.json");
  expect_seed_summary(a);
  // The example omits failure-reason-code: a note, nothing wrong.
  ASSERT_EQ(a.findings.size(), 1u) << describe(a.findings);
  EXPECT_TRUE(has_finding(a.findings, "RPT-29", Severity::note));
}

TEST(Analyze, SeedGzip) {
  const Analysis a = analyze_fixture("seed001-google.json.gz");
  expect_seed_summary(a);
  EXPECT_EQ(a.decoded.container, Container::gzip);
  EXPECT_EQ(a.findings.size(), 1u) << describe(a.findings);
}

TEST(Analyze, SeedMail) {
  const Analysis a = analyze_fixture("seed001-google.eml");
  expect_seed_summary(a);
  EXPECT_EQ(a.decoded.container, Container::mail);
  // Only notes: failure-reason-code absent, DKIM not verified.
  for (const auto& f : a.findings)
    EXPECT_EQ(f.severity, Severity::note) << describe(a.findings);
  EXPECT_TRUE(has_finding(a.findings, "RPT-12", Severity::note));
}

TEST(Analyze, HttpsPostOfPlainJson) {
  const Analysis a =
      analyze(fixture("seed001-google.json"),
              {.transport = Transport::https, .content_type = "application/tlsrpt+json"});
  EXPECT_TRUE(has_finding(a.findings, "RPT-19", Severity::sloppy)) << describe(a.findings);
}

TEST(Analyze, TruncatedGzip) {
  const Analysis a = analyze_fixture("truncated.json.gz");
  ASSERT_TRUE(a.error);
  EXPECT_EQ(a.error->kind(), InputErrorKind::gzip_truncated);
  EXPECT_TRUE(a.summary.empty());
}

TEST(Analyze, DuplicateKeys) {
  const Analysis a = analyze_fixture("duplicate-keys.json");
  ASSERT_TRUE(a.error);
  EXPECT_EQ(a.error->kind(), InputErrorKind::duplicate_member);
  EXPECT_NE(std::string(a.error->what()).find("/policies/0/summary/total-failure-session-count"),
            std::string::npos)
      << a.error->what();
}

TEST(Analyze, NotAnObject) {
  const Analysis a = analyze_fixture("not-an-object.json");
  ASSERT_TRUE(a.error);
  EXPECT_EQ(a.error->kind(), InputErrorKind::not_an_object);
}

TEST(Analyze, GarbageIsNotJson) {
  const Analysis a = analyze("\x01\x02 binary", {});
  ASSERT_TRUE(a.error);
  EXPECT_EQ(a.error->kind(), InputErrorKind::not_json);
}

TEST(Analyze, GzippedGarbageIsNotJson) {
  const Analysis a = analyze(gzip("hello"), {});
  ASSERT_TRUE(a.error);
  EXPECT_EQ(a.error->kind(), InputErrorKind::not_json);
}

TEST(Analyze, ByteOrderMarkIsSloppy) {
  const Analysis a = analyze("\xef\xbb\xbf" + fixture("seed001-google.json"), {});
  ASSERT_FALSE(a.error);
  EXPECT_TRUE(has_finding(a.findings, "RPT-20", Severity::sloppy)) << describe(a.findings);
}

TEST(Analyze, JsonShape) {
  const auto j = to_json(analyze_fixture("seed001-google.json"));
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["domains"][0]["policy-domain"], "example.com");
  EXPECT_EQ(j["domains"][0]["success-rate"], "99.93");
  EXPECT_EQ(j["domains"][0]["failures"][0]["result-type"], "certificate-expired");
  EXPECT_EQ(j["domains"][0]["failures"][0]["receiving-mx-hostname"], "mail2.example.com");
  EXPECT_EQ(j["findings"][0]["id"], "RPT-29");
  const auto e = to_json(analyze_fixture("truncated.json.gz"));
  EXPECT_EQ(e["status"], "error");
  EXPECT_EQ(e["error"]["kind"], "gzip-truncated");
}

}  // namespace
}  // namespace stslab::tlsrpt
