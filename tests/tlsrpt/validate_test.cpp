// One test per report rule (RPT-20 ... RPT-34): a clean report, one change, the finding it must
// cause (requirement ID, severity, JSON pointer).
#include "stslab/tlsrpt/validate.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "test_support.hpp"

namespace stslab::tlsrpt {
namespace {

using nlohmann::json;
using testing::clean_report;
using testing::describe;
using testing::erase;
using testing::has_finding;
using testing::set;

constexpr const char* kDetail = "/policies/0/failure-details/0";
constexpr const char* kPolicy = "/policies/0/policy";

struct Case {
  const char* name;
  std::function<void(json&)> change;
  const char* id;
  Severity severity;
  std::string where;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

class ReportRule : public ::testing::TestWithParam<Case> {};

TEST_P(ReportRule, ChangeCausesFinding) {
  json report = clean_report();
  GetParam().change(report);
  const auto findings = validate_report(report).findings;
  EXPECT_TRUE(has_finding(findings, GetParam().id, GetParam().severity, GetParam().where))
      << "want " << GetParam().id << " " << to_string(GetParam().severity) << " at "
      << GetParam().where << "\ngot:\n"
      << describe(findings);
}

std::string p(const char* base, const char* rest) {
  return std::string(base) + rest;
}

const Case kCases[] = {
    // RPT-21: the top-level members.
    {"OrganizationNameMissing", [](json& j) { erase(j, "/organization-name"); }, "RPT-21",
     Severity::invalid, "/organization-name"},
    {"OrganizationNameNotString", [](json& j) { set(j, "/organization-name", 7); }, "RPT-21",
     Severity::invalid, "/organization-name"},
    {"ReportIdEmpty", [](json& j) { set(j, "/report-id", ""); }, "RPT-21", Severity::invalid,
     "/report-id"},
    {"ContactInfoMissing", [](json& j) { erase(j, "/contact-info"); }, "RPT-21", Severity::invalid,
     "/contact-info"},
    {"ContactInfoNotAddrSpec", [](json& j) { set(j, "/contact-info", "Reporter Inc."); }, "RPT-21",
     Severity::sloppy, "/contact-info"},
    {"DateRangeMissing", [](json& j) { erase(j, "/date-range"); }, "RPT-21", Severity::invalid,
     "/date-range"},
    {"DateRangeNotObject", [](json& j) { set(j, "/date-range", "2026-03-31"); }, "RPT-21",
     Severity::invalid, "/date-range"},
    {"StartNotRfc3339", [](json& j) { set(j, "/date-range/start-datetime", "2026-03-31"); },
     "RPT-21", Severity::invalid, "/date-range/start-datetime"},
    {"EndMissing", [](json& j) { erase(j, "/date-range/end-datetime"); }, "RPT-21",
     Severity::invalid, "/date-range/end-datetime"},
    {"StartAfterEnd", [](json& j) { set(j, "/date-range/start-datetime", "2026-04-02T00:00:00Z"); },
     "RPT-21", Severity::invalid, "/date-range"},
    // RPT-34: one UTC day, date-times with a zone.
    {"DateTimeWithoutZone",
     [](json& j) { set(j, "/date-range/start-datetime", "2026-03-31T00:00:00"); }, "RPT-34",
     Severity::sloppy, "/date-range/start-datetime"},
    {"RangeNotFromMidnight",
     [](json& j) { set(j, "/date-range/start-datetime", "2026-03-31T01:00:00Z"); }, "RPT-34",
     Severity::sloppy, "/date-range"},
    {"RangeTwoDays", [](json& j) { set(j, "/date-range/end-datetime", "2026-04-02T00:00:00Z"); },
     "RPT-34", Severity::sloppy, "/date-range"},
    // RPT-21 / RPT-22: policies.
    {"PoliciesMissing", [](json& j) { erase(j, "/policies"); }, "RPT-21", Severity::invalid,
     "/policies"},
    {"PoliciesObject", [](json& j) { j["policies"] = json(j["policies"][0]); }, "RPT-22",
     Severity::invalid, "/policies"},
    {"PoliciesString", [](json& j) { set(j, "/policies", "none"); }, "RPT-22", Severity::invalid,
     "/policies"},
    // RPT-23: the policy entry.
    {"EntryNotObject", [](json& j) { set(j, "/policies/0", 1); }, "RPT-23", Severity::invalid,
     "/policies/0"},
    {"PolicyMissing", [](json& j) { erase(j, kPolicy); }, "RPT-23", Severity::invalid, kPolicy},
    {"PolicyTypeMissing", [](json& j) { erase(j, p(kPolicy, "/policy-type")); }, "RPT-23",
     Severity::invalid, p(kPolicy, "/policy-type")},
    {"PolicyDomainMissing", [](json& j) { erase(j, p(kPolicy, "/policy-domain")); }, "RPT-23",
     Severity::invalid, p(kPolicy, "/policy-domain")},
    {"PolicyDomainNotHostname",
     [](json& j) { set(j, p(kPolicy, "/policy-domain"), "example net"); }, "RPT-23",
     Severity::sloppy, p(kPolicy, "/policy-domain")},
    {"PolicyStringMissingForSts", [](json& j) { erase(j, p(kPolicy, "/policy-string")); }, "RPT-23",
     Severity::invalid, p(kPolicy, "/policy-string")},
    {"MxHostMissingForSts", [](json& j) { erase(j, p(kPolicy, "/mx-host")); }, "RPT-23",
     Severity::sloppy, p(kPolicy, "/mx-host")},
    {"SummaryMissing", [](json& j) { erase(j, "/policies/0/summary"); }, "RPT-23",
     Severity::invalid, "/policies/0/summary"},
    {"FailureDetailsNotArray",
     [](json& j) { set(j, "/policies/0/failure-details", json::object()); }, "RPT-23",
     Severity::invalid, "/policies/0/failure-details"},
    {"FailureDetailsMissingWithFailures", [](json& j) { erase(j, "/policies/0/failure-details"); },
     "RPT-23", Severity::sloppy, "/policies/0/failure-details"},
    // RPT-24: policy-type values.
    {"PolicyTypeUnknown", [](json& j) { set(j, p(kPolicy, "/policy-type"), "STS"); }, "RPT-24",
     Severity::invalid, p(kPolicy, "/policy-type")},
    // RPT-25: policy-string.
    {"PolicyStringNotArray",
     [](json& j) { set(j, p(kPolicy, "/policy-string"), "version: STSv1\nmode: testing"); },
     "RPT-25", Severity::invalid, p(kPolicy, "/policy-string")},
    {"PolicyStringElementNotString", [](json& j) { set(j, p(kPolicy, "/policy-string/1"), 1); },
     "RPT-25", Severity::invalid, p(kPolicy, "/policy-string/1")},
    {"StsPolicyStringSeveralLinesInOne",
     [](json& j) { set(j, p(kPolicy, "/policy-string/0"), "version: STSv1\r\nmode: testing"); },
     "RPT-25", Severity::sloppy, p(kPolicy, "/policy-string/0")},
    {"TlsaPolicyStringNotFourFields",
     [](json& j) {
       set(j, p(kPolicy, "/policy-type"), "tlsa");
       set(j, p(kPolicy, "/policy-string"), json::array({"3 1 1"}));
     },
     "RPT-25", Severity::sloppy, p(kPolicy, "/policy-string/0")},
    // RPT-26: mx-host, erratum 6241.
    {"MxHostString", [](json& j) { set(j, p(kPolicy, "/mx-host"), "mx1.example.net"); }, "RPT-26",
     Severity::sloppy, p(kPolicy, "/mx-host")},
    {"MxHostNumber", [](json& j) { set(j, p(kPolicy, "/mx-host"), 1); }, "RPT-26",
     Severity::invalid, p(kPolicy, "/mx-host")},
    {"MxHostElementNotString", [](json& j) { set(j, p(kPolicy, "/mx-host/1"), json::array()); },
     "RPT-26", Severity::invalid, p(kPolicy, "/mx-host/1")},
    {"MxHostNotThePolicyMxLines",
     [](json& j) { set(j, p(kPolicy, "/mx-host"), json::array({"mx1.example.net"})); }, "RPT-26",
     Severity::sloppy, p(kPolicy, "/mx-host")},
    {"MxHostBadPattern", [](json& j) { set(j, p(kPolicy, "/mx-host/1"), "mx.*.example.net"); },
     "RPT-26", Severity::sloppy, p(kPolicy, "/mx-host/1")},
    // RPT-27: A-labels only.
    {"PolicyDomainULabel",
     [](json& j) {
       set(j, p(kPolicy, "/policy-domain"),
           "b\xc3\xbc"
           "cher.example");
     },
     "RPT-27", Severity::invalid, p(kPolicy, "/policy-domain")},
    {"MxHostULabel",
     [](json& j) {
       set(j, p(kPolicy, "/mx-host/0"),
           "mx.b\xc3\xbc"
           "cher.example");
     },
     "RPT-27", Severity::invalid, p(kPolicy, "/mx-host/0")},
    {"ReceivingMxULabel",
     [](json& j) {
       set(j, p(kDetail, "/receiving-mx-hostname"),
           "mx.b\xc3\xbc"
           "cher.example");
     },
     "RPT-27", Severity::invalid, p(kDetail, "/receiving-mx-hostname")},
    // RPT-28: counts are JSON integers.
    {"CountAsString",
     [](json& j) { set(j, "/policies/0/summary/total-successful-session-count", "5"); }, "RPT-28",
     Severity::invalid, "/policies/0/summary/total-successful-session-count"},
    {"CountAsFloat",
     [](json& j) { set(j, "/policies/0/summary/total-failure-session-count", 3.0); }, "RPT-28",
     Severity::invalid, "/policies/0/summary/total-failure-session-count"},
    {"CountNegative",
     [](json& j) { set(j, "/policies/0/summary/total-failure-session-count", -3); }, "RPT-28",
     Severity::invalid, "/policies/0/summary/total-failure-session-count"},
    {"CountMissing",
     [](json& j) { erase(j, "/policies/0/summary/total-successful-session-count"); }, "RPT-28",
     Severity::invalid, "/policies/0/summary/total-successful-session-count"},
    // RPT-29: failure-details entries.
    {"DetailNotObject", [](json& j) { set(j, kDetail, "starttls-not-supported"); }, "RPT-29",
     Severity::invalid, kDetail},
    {"ResultTypeMissing", [](json& j) { erase(j, p(kDetail, "/result-type")); }, "RPT-29",
     Severity::invalid, p(kDetail, "/result-type")},
    {"FailedSessionCountMissing", [](json& j) { erase(j, p(kDetail, "/failed-session-count")); },
     "RPT-29", Severity::invalid, p(kDetail, "/failed-session-count")},
    {"FailedSessionCountString", [](json& j) { set(j, p(kDetail, "/failed-session-count"), "3"); },
     "RPT-29", Severity::invalid, p(kDetail, "/failed-session-count")},
    {"SendingIpMissing", [](json& j) { erase(j, p(kDetail, "/sending-mta-ip")); }, "RPT-29",
     Severity::sloppy, p(kDetail, "/sending-mta-ip")},
    {"SendingIpInvalid", [](json& j) { set(j, p(kDetail, "/sending-mta-ip"), "999.0.2.1"); },
     "RPT-29", Severity::invalid, p(kDetail, "/sending-mta-ip")},
    {"ReceivingIpNotCanonical",
     [](json& j) { set(j, p(kDetail, "/receiving-ip"), "2001:DB8:0:0:0:0:0:25"); }, "RPT-29",
     Severity::sloppy, p(kDetail, "/receiving-ip")},
    {"ReceivingIpMissing", [](json& j) { erase(j, p(kDetail, "/receiving-ip")); }, "RPT-29",
     Severity::sloppy, p(kDetail, "/receiving-ip")},
    {"ReceivingMxMissing", [](json& j) { erase(j, p(kDetail, "/receiving-mx-hostname")); },
     "RPT-29", Severity::sloppy, p(kDetail, "/receiving-mx-hostname")},
    {"ReceivingMxNotHostname",
     [](json& j) { set(j, p(kDetail, "/receiving-mx-hostname"), "192.0.2.25:25"); }, "RPT-29",
     Severity::sloppy, p(kDetail, "/receiving-mx-hostname")},
    {"HeloNotString", [](json& j) { set(j, p(kDetail, "/receiving-mx-helo"), true); }, "RPT-29",
     Severity::invalid, p(kDetail, "/receiving-mx-helo")},
    {"AdditionalInformationNotString",
     [](json& j) { set(j, p(kDetail, "/additional-information"), json::object()); }, "RPT-29",
     Severity::invalid, p(kDetail, "/additional-information")},
    {"ReasonCodeNotString", [](json& j) { set(j, p(kDetail, "/failure-reason-code"), 421); },
     "RPT-29", Severity::invalid, p(kDetail, "/failure-reason-code")},
    {"ReasonCodeMissingIsANote", [](json& j) { erase(j, p(kDetail, "/failure-reason-code")); },
     "RPT-29", Severity::note, p(kDetail, "/failure-reason-code")},
    // RPT-30: registered result types.
    {"ResultTypeUnregistered", [](json& j) { set(j, p(kDetail, "/result-type"), "tls-failure"); },
     "RPT-30", Severity::invalid, p(kDetail, "/result-type")},
    // RPT-31: certificate-not-trusted and validation-failure say why.
    {"NotTrustedWithoutReason",
     [](json& j) {
       set(j, p(kDetail, "/result-type"), "certificate-not-trusted");
       erase(j, p(kDetail, "/failure-reason-code"));
     },
     "RPT-31", Severity::sloppy, p(kDetail, "/failure-reason-code")},
    {"ValidationFailureWithEmptyReason",
     [](json& j) {
       set(j, p(kDetail, "/result-type"), "validation-failure");
       set(j, p(kDetail, "/failure-reason-code"), "");
     },
     "RPT-31", Severity::sloppy, p(kDetail, "/failure-reason-code")},
};

INSTANTIATE_TEST_SUITE_P(Rules, ReportRule, ::testing::ValuesIn(kCases),
                         [](const auto& test) { return std::string(test.param.name); });

TEST(Report, CleanReportHasNoFinding) {
  const auto v = validate_report(clean_report());
  EXPECT_TRUE(v.findings.empty()) << describe(v.findings);
}

TEST(Report, DayEndingAt235959IsOneDay) {
  json j = clean_report();
  set(j, "/date-range/end-datetime", "2026-03-31T23:59:59Z");
  EXPECT_TRUE(validate_report(j).findings.empty()) << describe(validate_report(j).findings);
}

TEST(Report, NoPolicyFoundNeedsNoPolicyStringOrMxHost) {
  json j = clean_report();
  set(j, p(kPolicy, "/policy-type"), "no-policy-found");
  erase(j, p(kPolicy, "/policy-string"));
  erase(j, p(kPolicy, "/mx-host"));
  EXPECT_TRUE(validate_report(j).findings.empty()) << describe(validate_report(j).findings);
}

TEST(Report, NoFailureDetailsWithoutFailuresIsFine) {
  json j = clean_report();
  erase(j, "/policies/0/failure-details");
  set(j, "/policies/0/summary/total-failure-session-count", 0);
  EXPECT_TRUE(validate_report(j).findings.empty()) << describe(validate_report(j).findings);
}

TEST(Report, PolicyFailureNeedsNoMxOrReceivingIp) {
  json j = clean_report();
  set(j, p(kDetail, "/result-type"), "sts-policy-fetch-error");
  erase(j, p(kDetail, "/receiving-mx-hostname"));
  erase(j, p(kDetail, "/receiving-ip"));
  EXPECT_TRUE(validate_report(j).findings.empty()) << describe(validate_report(j).findings);
}

TEST(Report, ModelHoldsWhatAttributionNeeds) {
  const auto v = validate_report(clean_report());
  const Report& r = v.report;
  EXPECT_EQ(r.organization_name, "Reporter Inc.");
  EXPECT_EQ(r.start_unix, 1774915200);
  EXPECT_EQ(r.end_unix, 1774915200 + 86400);
  ASSERT_EQ(r.policies.size(), 1u);
  const PolicyResult& p0 = r.policies[0];
  EXPECT_EQ(p0.policy.type, "sts");
  EXPECT_EQ(p0.policy.domain, "example.net");
  EXPECT_EQ(p0.policy.mx_host, (std::vector<std::string>{"mx1.example.net", "*.mx.example.net"}));
  EXPECT_EQ(p0.policy.policy_string.size(), 5u);
  EXPECT_EQ(p0.successful_sessions, 5);
  EXPECT_EQ(p0.failed_sessions, 3);
  ASSERT_EQ(p0.failures.size(), 1u);
  EXPECT_EQ(p0.failures[0].result_type, "starttls-not-supported");
  EXPECT_EQ(p0.failures[0].receiving_mx_hostname, "mx1.example.net");
  EXPECT_EQ(p0.failures[0].receiving_ip, "2001:db8::25");
  EXPECT_EQ(p0.failures[0].failed_session_count, 3);
  EXPECT_EQ(p0.failures[0].pointer, kDetail);
}

TEST(Report, MxHostStringIsStillModelled) {
  json j = clean_report();
  set(j, p(kPolicy, "/mx-host"), "mx1.example.net");
  EXPECT_EQ(validate_report(j).report.policies[0].policy.mx_host,
            std::vector<std::string>{"mx1.example.net"});
}

TEST(Report, PoliciesObjectIsStillModelled) {
  json j = clean_report();
  j["policies"] = json(j["policies"][0]);
  const auto v = validate_report(j);
  ASSERT_EQ(v.report.policies.size(), 1u);
  EXPECT_EQ(v.report.policies[0].failed_sessions, 3);
}

}  // namespace
}  // namespace stslab::tlsrpt
