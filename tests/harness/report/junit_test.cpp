// JUnit output is checked with a real XML parser (xmllint from libxml2-utils): well-formedness,
// and XPath queries that read back what a CI tool would read.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "sample_runs.hpp"
#include "stslab/harness/result.hpp"
#include "stslab/testing/process.hpp"

namespace stslab::harness {
namespace {

using fixtures::sample_result;
using fixtures::sample_runs;
using ::testing::HasSubstr;

#define REQUIRE_XMLLINT()                                                    \
  if (!stslab::testing::have_program("xmllint"))                             \
  GTEST_SKIP() << "xmllint not installed (Debian package libxml2-utils, in " \
                  "scripts/install-deps)"

// xmllint's complaint about `xml`, or "" if it is well-formed.
std::string xml_errors(const std::string& xml) {
  const auto r = stslab::testing::run_process({"xmllint", "--noout", "-"}, xml);
  return r.exit_code == 0 ? "" : "exit " + std::to_string(r.exit_code) + ": " + r.err;
}

// The string value of an XPath expression over `xml`, as xmllint computes it.
std::string xpath(const std::string& xml, const std::string& expression) {
  const auto r = stslab::testing::run_process({"xmllint", "--xpath", expression, "-"}, xml);
  EXPECT_EQ(r.exit_code, 0) << expression << ": " << r.err;
  std::string out = r.out;
  if (!out.empty() && out.back() == '\n') out.pop_back();  // xmllint adds one
  return out;
}

std::string testcase(const std::string& name) {
  return "//testsuite[@name='postfix']/testcase[@name='" + name + "']";
}

TEST(JUnit, IsWellFormedXml) {
  REQUIRE_XMLLINT();
  EXPECT_EQ(xml_errors(render_junit(sample_runs())), "");
  EXPECT_EQ(xml_errors(render_junit({})), "");
  EXPECT_NE(xml_errors("<a><b></a>"), "") << "xmllint should reject broken XML";
}

TEST(JUnit, OneSuitePerRunOneCasePerScenarioWithCounts) {
  REQUIRE_XMLLINT();
  const std::string xml = render_junit(sample_runs());
  EXPECT_EQ(xpath(xml, "count(/testsuites/testsuite)"), "2");
  EXPECT_EQ(xpath(xml, "string(/testsuites/testsuite[1]/@name)"), "postfix");
  EXPECT_EQ(xpath(xml, "string(/testsuites/testsuite[2]/@name)"), "postfix-plain");
  EXPECT_EQ(xpath(xml, "count(//testsuite[@name='postfix']/testcase)"), "7");
  EXPECT_EQ(xpath(xml, "count(//testsuite[@name='postfix-plain']/testcase)"), "3");
  EXPECT_EQ(xpath(xml, "string(" + testcase("v/fail") + "/@classname)"), "postfix");

  // postfix: one FAIL, one ERROR, INCONCLUSIVE + UNSUPPORTED skipped.
  const std::string suite = "//testsuite[@name='postfix']";
  EXPECT_EQ(xpath(xml, "string(" + suite + "/@tests)"), "7");
  EXPECT_EQ(xpath(xml, "string(" + suite + "/@failures)"), "1");
  EXPECT_EQ(xpath(xml, "string(" + suite + "/@errors)"), "1");
  EXPECT_EQ(xpath(xml, "string(" + suite + "/@skipped)"), "2");
  EXPECT_EQ(xpath(xml, "string(" + suite + "/@time)"), "8.200");
  EXPECT_EQ(xpath(xml, "string(" + suite + "/@timestamp)"), "2024-05-01T12:00:00");
  EXPECT_EQ(xpath(xml, "string(" + suite + "/properties/property[@name='version.postfix']/@value)"),
            "3.7.11");
  // The root adds the runs up.
  EXPECT_EQ(xpath(xml, "string(/testsuites/@tests)"), "10");
  EXPECT_EQ(xpath(xml, "string(/testsuites/@failures)"), "2");
  EXPECT_EQ(xpath(xml, "string(/testsuites/@errors)"), "1");
  EXPECT_EQ(xpath(xml, "string(/testsuites/@skipped)"), "2");
}

TEST(JUnit, VerdictsMapToFailureErrorSkippedOrPass) {
  REQUIRE_XMLLINT();
  const std::string xml = render_junit(sample_runs());
  auto children = [&](const std::string& name) {
    return xpath(xml, "count(" + testcase(name) + "/failure)") + "/" +
           xpath(xml, "count(" + testcase(name) + "/error)") + "/" +
           xpath(xml, "count(" + testcase(name) + "/skipped)");
  };
  EXPECT_EQ(children("v/pass"), "0/0/0");
  EXPECT_EQ(children("v/fail"), "1/0/0");
  EXPECT_EQ(children("v/warn"), "0/0/0");
  EXPECT_EQ(children("v/info"), "0/0/0");
  EXPECT_EQ(children("v/inconclusive"), "0/0/1");
  EXPECT_EQ(children("v/unsupported"), "0/0/1");
  EXPECT_EQ(children("v/error"), "0/1/0");

  EXPECT_EQ(xpath(xml, "string(" + testcase("v/fail") + "/failure/@message)"), "reason for fail");
  EXPECT_THAT(xpath(xml, "string(" + testcase("v/fail") + "/failure)"),
              HasSubstr("expected: withheld\noutcome: delivered-plaintext"));
  EXPECT_EQ(xpath(xml, "string(" + testcase("v/error") + "/error/@message)"), "reason for error");
  EXPECT_EQ(xpath(xml, "string(" + testcase("v/inconclusive") + "/skipped/@message)"),
            "reason for inconclusive");
  EXPECT_EQ(xpath(xml, "string(" + testcase("v/unsupported") + "/skipped/@message)"),
            "reason for unsupported");
  EXPECT_EQ(xpath(xml, "string(" + testcase("v/fail") + "/@time)"), "1.234");
}

TEST(JUnit, WarnPassesWithTheWarningInSystemOutAndAProperty) {
  REQUIRE_XMLLINT();
  const std::string xml = render_junit(sample_runs());
  EXPECT_THAT(xpath(xml, "string(" + testcase("v/warn") + "/system-out)"),
              ::testing::StartsWith("WARN: reason for warn\n"));
  EXPECT_EQ(
      xpath(xml, "string(" + testcase("v/warn") + "/properties/property[@name='warning']/@value)"),
      "reason for warn");
  EXPECT_EQ(xpath(xml, "count(" + testcase("v/pass") + "/properties/property[@name='warning'])"),
            "0");
  EXPECT_EQ(
      xpath(xml, "string(" + testcase("v/warn") + "/properties/property[@name='level']/@value)"),
      "SHOULD");
  // The evidence travels with every case.
  EXPECT_THAT(xpath(xml, "string(" + testcase("v/pass") + "/system-out)"),
              HasSubstr("S: 220 mx1.example.test ESMTP"));
}

TEST(JUnit, HostileTextStaysWellFormedAndReadsBack) {
  REQUIRE_XMLLINT();
  auto runs = sample_runs();
  runs[0].target.adapter = "post<fix>&\"'";
  runs[0].target.versions[fixtures::kHostile] = fixtures::kHostile;
  for (auto& r : runs[0].results) {
    r.reason = fixtures::kHostile;
    r.title = fixtures::kHostile;
    r.evidence["smtp"].push_back(fixtures::kHostile);
    r.messages[0].reason = fixtures::kHostile;
  }
  runs[0].results[1].scenario = "id with ]]> and <tag>";
  const std::string xml = render_junit(runs);
  ASSERT_EQ(xml_errors(xml), "") << xml;

  // What a CI tool shows: the text with invalid UTF-8 as U+FFFD and the characters XML cannot
  // carry spelled out; line breaks and tabs in attributes survive.
  const std::string shown =
      "<b>&amp; | pipe\nnext line\r\n\ttab \\x01\\x1F\x7f bad:\xEF\xBF\xBD\xEF\xBF\xBD( ]]> "
      "\"q' \\uFFFE end";
  EXPECT_EQ(xpath(xml, "string(//testcase[@name='id with ]]> and <tag>']/failure/@message)"),
            shown);
  EXPECT_EQ(xpath(xml, "string(//testsuite[1]/@name)"), "post<fix>&\"'");
  EXPECT_THAT(xpath(xml, "string(//testcase[@name='v/error']/error)"), HasSubstr(shown));
}

TEST(JUnit, NoOutcomeIsSaidPlainly) {
  REQUIRE_XMLLINT();
  const std::string xml = render_junit(sample_runs());
  EXPECT_EQ(xpath(xml, "string(" + testcase("v/inconclusive") +
                           "/properties/property[@name='outcome']/@value)"),
            "not observed");
}

}  // namespace
}  // namespace stslab::harness
