// Reports a broken or hostile sender can produce. Each of these once threw out of analyze(),
// overflowed, or was accepted in a form that harms whoever reads it next (issue 10).
#include <gtest/gtest.h>

#include <limits>

#include "stslab/tlsrpt/analyze.hpp"
#include "stslab/tlsrpt/gzip.hpp"
#include "stslab/tlsrpt/strict_json.hpp"
#include "test_support.hpp"

namespace stslab::tlsrpt {
namespace {

using testing::clean_report;
using testing::describe;
using testing::has_finding;

std::string error_kind(const Analysis& a) {
  return a.error ? std::string(to_string(a.error->kind())) : "no error";
}

std::string error_message(const Analysis& a) {
  return a.error ? a.error->what() : "";
}

// The clean report with one session count replaced by `count`, written out as given.
std::string report_with_successful_count(const std::string& count) {
  nlohmann::json j = clean_report();
  testing::set(j, "/policies/0/summary/total-successful-session-count", 7);
  std::string text = j.dump();
  const auto at = text.find("\"total-successful-session-count\":7");
  text.replace(at, std::string("\"total-successful-session-count\":7").size(),
               "\"total-successful-session-count\":" + count);
  return text;
}

TEST(HostileInput, NumberBeyondADoubleIsAnInputErrorNotAThrow) {
  const Analysis a = analyze(report_with_successful_count("1e999"), {});
  EXPECT_EQ(error_kind(a), "number-out-of-range");
  EXPECT_NE(error_message(a).find("'1e999' does not fit an IEEE 754 double"), std::string::npos)
      << error_message(a);
  EXPECT_NE(error_message(a).find("line 1, column "), std::string::npos) << error_message(a);
}

TEST(HostileInput, FiveThousandDigitIntegerIsShownShortened) {
  const Analysis a = analyze(report_with_successful_count(std::string(5000, '9')), {});
  EXPECT_EQ(error_kind(a), "number-out-of-range");
  EXPECT_NE(error_message(a).find("(5000 characters)"), std::string::npos) << error_message(a);
  EXPECT_LT(error_message(a).size(), 300u) << error_message(a);
}

TEST(HostileInput, NestingBeyondTheLimitIsRefusedWithItsPointer) {
  nlohmann::json j = clean_report();
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  std::string text = j.dump();
  text.insert(1, "\"x\":" + deep + ",");
  const Analysis a = analyze(text, {});
  EXPECT_EQ(error_kind(a), "too-deep");
  EXPECT_NE(error_message(a).find("nested deeper than 64 levels"), std::string::npos)
      << error_message(a);
  EXPECT_NE(error_message(a).find("at /x/0/0/"), std::string::npos) << error_message(a);
}

TEST(HostileInput, NestingUpToTheLimitIsRead) {
  const auto depth = [](std::size_t n) { return std::string(n, '[') + std::string(n, ']'); };
  EXPECT_NO_THROW(parse_strict_json(depth(kMaxJsonDepth)));
  EXPECT_THROW(parse_strict_json(depth(kMaxJsonDepth + 1)), InputError);
}

TEST(HostileInput, ImplausibleCountIsAFindingAndTheRateStaysSane) {
  // 10^15 successful sessions: successful * 10000 overflowed 64 bits ("-84.-46%").
  const Analysis a = analyze(report_with_successful_count("1000000000000000"), {});
  ASSERT_FALSE(a.error) << error_message(a);
  EXPECT_TRUE(has_finding(a.findings, "RPT-28", Severity::invalid,
                          "/policies/0/summary/total-successful-session-count"))
      << describe(a.findings);
  ASSERT_EQ(a.summary.size(), 1u);
  EXPECT_EQ(a.summary[0].successful_sessions, 1'000'000'000'000'000);
  // 3 failed beside 10^15: rounded down, never 100.00% while sessions failed.
  EXPECT_EQ(format_rate(a.summary[0].success_basis_points), "99.99");
}

TEST(HostileInput, ACountBelowThePlausibleLimitIsNoFinding) {
  const Analysis a = analyze(report_with_successful_count("1000000000000"), {});
  ASSERT_FALSE(a.error) << error_message(a);
  EXPECT_FALSE(has_finding(a.findings, "RPT-28", Severity::invalid)) << describe(a.findings);
}

TEST(HostileInput, SumsBeyondInt64StopThereWithAFinding) {
  nlohmann::json j = clean_report();
  nlohmann::json second = j["policies"][0];
  j["policies"].push_back(second);
  for (int i = 0; i < 2; ++i) {
    j["policies"][i]["summary"]["total-successful-session-count"] = 9'000'000'000'000'000'000ull;
  }
  const Analysis a = analyze(j.dump(), {});
  ASSERT_FALSE(a.error) << error_message(a);
  EXPECT_TRUE(has_finding(a.findings, "RPT-28", Severity::invalid, "/policies"))
      << describe(a.findings);
  ASSERT_EQ(a.summary.size(), 1u);
  EXPECT_EQ(a.summary[0].successful_sessions, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(a.summary[0].failed_sessions, 6);
  EXPECT_EQ(format_rate(a.summary[0].success_basis_points), "99.99");
}

TEST(HostileInput, InputBeyondTheCapIsRefusedUnread) {
  const Analysis a = analyze(std::string(64 * 1024 * 1024 + 1, ' '), {});
  EXPECT_EQ(error_kind(a), "too-large");
  EXPECT_NE(error_message(a).find("64 MiB input cap"), std::string::npos) << error_message(a);
}

TEST(HostileInput, GzipBombStopsAtTheDecompressionCap) {
  const Analysis a = analyze(gzip(std::string(kMaxReportBytes + 1, '{')), {});
  EXPECT_EQ(error_kind(a), "too-large");
  EXPECT_NE(error_message(a).find("64 MiB cap"), std::string::npos) << error_message(a);
}

TEST(HostileInput, RawEightBitMailHeadersBecomeValidUtf8) {
  // Findings quote header fields. GMime turns 8-bit bytes of most fields into UTF-8 (as
  // Latin-1), but the raw DKIM-Signature value stayed as it was, and to_json(...).dump() threw
  // type_error.316 on its 0xFF.
  const std::string mail =
      "From: a@b.example\r\nSubject: \xff\xfe \xc3\r\nTLS-Report-Domain: \xff.example\r\n"
      "DKIM-Signature: v=1; d=\xff; s=\xfe; h=\xff:\xfe; b=\xff\r\nMIME-Version: 1.0\r\n"
      "Content-Type: application/tlsrpt+json; name=\"\xff.json\"\r\n"
      "Content-Disposition: attachment; filename=\"\xff\xfe.json\"\r\n\r\n" +
      clean_report().dump();
  const Analysis a = analyze(mail, {.transport = Transport::mail});
  ASSERT_FALSE(a.error) << error_message(a);
  std::string text;
  EXPECT_NO_THROW(text = to_json(a).dump());
  EXPECT_FALSE(find_invalid_utf8(text)) << text;
  EXPECT_NE(text.find("(d=\xef\xbf\xbd)"), std::string::npos) << text;
}

TEST(HostileInput, IllFormedUtf8IsReplacedSequenceBySequence) {
  EXPECT_EQ(to_valid_utf8("a\xff\xfe"
                          "b\xc3"),
            "a\xef\xbf\xbd\xef\xbf\xbd"
            "b\xef\xbf\xbd");
  EXPECT_EQ(to_valid_utf8("ü ok"), "ü ok");
}

}  // namespace
}  // namespace stslab::tlsrpt
