// TLS-RPT reports from recorded sessions: the result-type of an attempt (RPT-30), counting per
// policy and day (RPT-28, STS-RPT-01..03, STS-APPLY-05), UTC day boundaries (RPT-34) and the
// JSON shape (RPT-21..RPT-26), checked with the tlsrpt validator when it is built.
#include <gtest/gtest.h>

#include "stslab/sender/encoding.hpp"
#include "stslab/sender/report_aggregate.hpp"
#include "stslab/sender/report_json.hpp"
#include "stslab/sender/session_log.hpp"
#ifdef STSLAB_HAVE_TLSRPT
#include "stslab/tlsrpt/analyze.hpp"
#endif

namespace stslab::sender {
namespace {

const std::vector<std::string> kLines = {"version: STSv1", "mode: testing", "mx: mx1.a.test",
                                         "mx: mx2.a.test", "max_age: 86400"};
const std::vector<std::string> kMx = {"mx1.a.test", "mx2.a.test"};

SessionRecord session(const std::string& result, const std::string& mode = "testing",
                      const std::string& mx = "mx1.a.test", const std::string& day = "2026-11-23") {
  SessionRecord r;
  r.day = day;
  r.kind = "session";
  r.policy_domain = "a.test";
  r.policy_type = mode == "enforce" || mode == "testing" ? "sts" : "no-policy-found";
  r.policy_mode = mode;
  if (!mode.empty()) {
    r.policy_string = kLines;
    r.mx_host = kMx;
  }
  r.result_type = result;
  r.failure_reason_code = result == "success" ? "" : "reason for " + result;
  r.sending_mta_ip = "127.0.0.9";
  r.receiving_mx_hostname = mx;
  r.receiving_ip = mx == "mx1.a.test" ? "127.0.0.1" : "127.0.0.2";
  r.sender_domain = "lab.test";
  return r;
}

SessionRecord fetch_failure(const std::string& type, const std::string& cached_mode) {
  SessionRecord r = session(type, cached_mode);
  r.kind = "policy";
  r.receiving_mx_hostname.clear();
  r.receiving_ip.clear();
  r.sending_mta_ip.clear();
  return r;
}

std::vector<SessionRecord> repeat(int n, const SessionRecord& r) {
  return std::vector<SessionRecord>(static_cast<std::size_t>(n), r);
}

// --- result-type of one attempt -----------------------------------------------------------

ActivePolicy active(std::optional<PolicyMode> mode) {
  ActivePolicy p;
  p.domain = "a.test";
  if (mode) {
    Policy pol;
    pol.mode = *mode;
    pol.mx = {"mx1.a.test"};
    p.policy = pol;
  }
  return p;
}

Attempt attempt(const std::string& result, const std::string& tls,
                std::vector<std::string> failures) {
  Attempt a;
  a.mx = "mx1.a.test";
  a.address = "127.0.0.1";
  a.result = result;
  a.tls = tls;
  a.tls_failures = std::move(failures);
  a.starttls_decided = result != "connect-failed" && result != "greeting-failed";
  return a;
}

TEST(ResultType, MapsEachFailureToItsRegisteredName) {  // RPT-30 mapping table
  const auto testing = active(PolicyMode::testing);
  EXPECT_EQ(
      session_result_type(testing, attempt("delivered", "none", {"starttls-not-offered"}), {}),
      "starttls-not-supported");
  EXPECT_EQ(session_result_type(testing, attempt("delivered", "none", {"starttls-refused"}), {}),
            "starttls-not-supported");
  for (std::string cert :
       {"certificate-expired", "certificate-host-mismatch", "certificate-not-trusted"}) {
    EXPECT_EQ(session_result_type(testing, attempt("delivered", "unverified", {cert}), {}), cert);
  }
  EXPECT_EQ(session_result_type(
                testing, attempt("tls-handshake-failed", "none", {"tls-handshake-failed"}), {}),
            "validation-failure");
  EXPECT_EQ(session_result_type(active(PolicyMode::enforce),
                                attempt("mx-not-in-policy", "none", {"mx-not-in-policy"}), {}),
            "validation-failure");
  EXPECT_EQ(session_result_type(testing, attempt("delivered", "verified", {}), {}), "success");
  // Never got to TLS: not a session (RFC 8460 §4.3.4); the plaintext retry neither.
  EXPECT_EQ(session_result_type(testing, attempt("connect-failed", "none", {}), {}), "");
  EXPECT_EQ(session_result_type(testing, attempt("delivered", "none", {}), {}), "");
}

TEST(ResultType, WithoutAnActivePolicyNothingFails) {  // STS-APPLY-05
  for (auto p : {active(std::nullopt), active(PolicyMode::none)}) {
    EXPECT_EQ(session_result_type(p, attempt("delivered", "none", {"starttls-not-offered"}), {}),
              "");
    EXPECT_EQ(session_result_type(p, attempt("delivered", "unverified", {}), {}), "success");
  }
}

TEST(ResultType, DefectWrongResultTypeCallsAStripAValidationFailure) {
  EXPECT_EQ(session_result_type(active(PolicyMode::enforce),
                                attempt("starttls-not-offered", "none", {"starttls-not-offered"}),
                                {Defect::wrong_result_type}),
            "validation-failure");
}

// --- counting ------------------------------------------------------------------------------

TEST(Aggregate, CountsSessionsAndGroupsFailuresPerMx) {  // RPT-28, RPT-29
  auto records = repeat(5, session("success"));
  auto strips = repeat(3, session("starttls-not-supported"));
  records.insert(records.end(), strips.begin(), strips.end());
  records.push_back(session("certificate-expired", "testing", "mx2.a.test"));
  records.push_back(session("", "testing"));  // a connect failure: not a session
  const auto days = aggregate_sessions(records, {});
  ASSERT_EQ(days.size(), 1u);
  ASSERT_EQ(days[0].policies.size(), 1u);
  const auto& p = days[0].policies[0];
  EXPECT_EQ(p.policy_type, "sts");
  EXPECT_EQ(p.policy_string, kLines);
  EXPECT_EQ(p.mx_host, kMx);
  EXPECT_EQ(p.successes, 5);
  EXPECT_EQ(p.failures, 4);
  ASSERT_EQ(p.details.size(), 2u);
  EXPECT_EQ(p.details[0].result_type, "starttls-not-supported");
  EXPECT_EQ(p.details[0].count, 3);
  EXPECT_EQ(p.details[0].receiving_mx_hostname, "mx1.a.test");
  EXPECT_EQ(p.details[0].receiving_ip, "127.0.0.1");
  EXPECT_EQ(p.details[1].result_type, "certificate-expired");
  EXPECT_EQ(p.details[1].receiving_mx_hostname, "mx2.a.test");
  EXPECT_EQ(p.details[1].count, 1);
  EXPECT_EQ(days[0].sender_domain, "lab.test");
}

TEST(Aggregate, EnforceCountsLikeTestingAndAPolicyChangeMakesASecondEntry) {
  std::vector<SessionRecord> records = {session("success", "testing"),
                                        session("starttls-not-supported", "testing")};
  auto enforce = session("starttls-not-supported", "enforce");
  enforce.policy_string[1] = "mode: enforce";
  records.push_back(enforce);
  const auto days = aggregate_sessions(records, {});
  ASSERT_EQ(days.size(), 1u);
  ASSERT_EQ(days[0].policies.size(), 2u);
  EXPECT_EQ(days[0].policies[0].failures, 1);
  EXPECT_EQ(days[0].policies[1].failures, 1);
  EXPECT_EQ(days[0].policies[1].policy_string[1], "mode: enforce");
}

TEST(Aggregate, NoPolicyAndModeNoneCountOnlySuccesses) {  // STS-APPLY-05, STS-RPT-03
  std::vector<SessionRecord> records = {session("success", ""), session("success", "none"),
                                        session("starttls-not-supported", "none")};
  const auto days = aggregate_sessions(records, {});
  ASSERT_EQ(days.size(), 1u);
  ASSERT_EQ(days[0].policies.size(), 1u);
  EXPECT_EQ(days[0].policies[0].policy_type, "no-policy-found");
  EXPECT_TRUE(days[0].policies[0].policy_string.empty());
  EXPECT_EQ(days[0].policies[0].successes, 2);
  EXPECT_EQ(days[0].policies[0].failures, 0);
}

TEST(Aggregate, FetchFailuresAreReportedUnlessTheCachedPolicyIsNone) {  // STS-RPT-01, -02
  auto no_cache = fetch_failure("sts-policy-fetch-error", "");
  auto cached = fetch_failure("sts-webpki-invalid", "testing");
  auto cached_none = fetch_failure("sts-policy-invalid", "none");
  auto ok_fetch = fetch_failure("success", "testing");
  std::vector<SessionRecord> records = {no_cache, cached, cached_none, ok_fetch,
                                        session("success", "testing")};
  const auto days = aggregate_sessions(records, {});
  ASSERT_EQ(days.size(), 1u);
  ASSERT_EQ(days[0].policies.size(), 2u);
  const auto& unfetched = days[0].policies[0];  // sts, no policy-string: nothing was fetched
  EXPECT_EQ(unfetched.policy_type, "sts");
  EXPECT_TRUE(unfetched.policy_string.empty());
  ASSERT_EQ(unfetched.details.size(), 1u);
  EXPECT_EQ(unfetched.details[0].result_type, "sts-policy-fetch-error");
  EXPECT_EQ(unfetched.details[0].sending_mta_ip, "127.0.0.9");  // borrowed from the day
  const auto& policy = days[0].policies[1];
  EXPECT_EQ(policy.successes, 1);
  EXPECT_EQ(policy.failures, 1);
  EXPECT_EQ(policy.details[0].result_type, "sts-webpki-invalid");
}

TEST(Aggregate, ReportDefectsActOnTheCounts) {
  std::vector<SessionRecord> records = {session("starttls-not-supported", "testing"),
                                        session("starttls-not-supported", "enforce")};
  auto wrong = aggregate_sessions(records, {Defect::wrong_result_type});
  ASSERT_EQ(wrong.size(), 1u);
  EXPECT_EQ(wrong[0].policies[0].details[0].result_type, "validation-failure");
  auto hidden = aggregate_sessions(records, {Defect::no_report_in_testing});
  ASSERT_EQ(hidden.size(), 1u);
  ASSERT_EQ(hidden[0].policies.size(), 1u);
  EXPECT_EQ(hidden[0].policies[0].failures, 1);  // only the enforce one
}

// --- days ------------------------------------------------------------------------------------

TEST(ReportDays, SessionsSplitAtUtcMidnight) {  // RPT-34
  nlohmann::json before = {{"time", "2026-11-23T23:59:59Z"}, {"kind", "session"},
                           {"policy-domain", "a.test"},      {"policy-type", "sts"},
                           {"policy-mode", "testing"},       {"result-type", "success"}};
  nlohmann::json after = before;
  after["time"] = "2026-11-24T00:00:00Z";
  std::vector<SessionRecord> records = {*parse_session_record(before),
                                        *parse_session_record(after)};
  const auto days = aggregate_sessions(records, {});
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(days[0].day, "2026-11-23");
  EXPECT_EQ(days[1].day, "2026-11-24");
  EXPECT_EQ(utc_day(1795392000 - 1), "2026-11-22");
  EXPECT_EQ(utc_day(1795392000), "2026-11-23");
  EXPECT_EQ(day_start("2026-11-23"), 1795392000);
  EXPECT_EQ(day_start("2024-02-29"), 1709164800);
  EXPECT_FALSE(day_start("2026-02-30"));
  EXPECT_FALSE(parse_session_record(nlohmann::json{{"kind", "session"}}));
}

TEST(ReportIdentity, CoversOneUtcDayAndNamesTheFile) {  // RPT-18, RPT-34
  const auto id = make_identity("lab.test", "2026-11-23", "abc123");
  EXPECT_EQ(id.begin, 1795392000);
  EXPECT_EQ(id.end, 1795392000 + 86399);
  EXPECT_EQ(id.filename("a.test"), "lab.test!a.test!1795392000!1795478399!abc123.json.gz");
  EXPECT_EQ(id.report_id("a.test"), "20261123.abc123.a.test@lab.test");
  EXPECT_EQ(id.contact(), "tlsrpt-noreply@lab.test");
  EXPECT_NE(random_unique(), random_unique());
}

// --- JSON ------------------------------------------------------------------------------------

DomainDay sample_day() {
  auto records = repeat(2, session("success"));
  records.push_back(session("starttls-not-supported"));
  records.push_back(session("certificate-not-trusted", "testing", "mx2.a.test"));
  return aggregate_sessions(records, {}).front();
}

TEST(ReportJson, HasTheShapeOfRfc8460Section4) {  // RPT-21..RPT-26
  const auto id = make_identity("lab.test", "2026-11-23", "abc123");
  const auto j = build_report(sample_day(), id, {});
  EXPECT_EQ(j["organization-name"], "lab.test");
  EXPECT_EQ(j["date-range"]["start-datetime"], "2026-11-23T00:00:00Z");
  EXPECT_EQ(j["date-range"]["end-datetime"], "2026-11-23T23:59:59Z");
  EXPECT_EQ(j["contact-info"], "tlsrpt-noreply@lab.test");
  EXPECT_EQ(j["report-id"], "20261123.abc123.a.test@lab.test");
  ASSERT_TRUE(j["policies"].is_array());
  ASSERT_EQ(j["policies"].size(), 1u);
  const auto& p = j["policies"][0];
  EXPECT_EQ(p["policy"]["policy-type"], "sts");
  EXPECT_EQ(p["policy"]["policy-string"], nlohmann::ordered_json(kLines));
  EXPECT_EQ(p["policy"]["policy-domain"], "a.test");
  EXPECT_EQ(p["policy"]["mx-host"], nlohmann::ordered_json(kMx));
  EXPECT_TRUE(p["summary"]["total-successful-session-count"].is_number_integer());
  EXPECT_EQ(p["summary"]["total-successful-session-count"], 2);
  EXPECT_EQ(p["summary"]["total-failure-session-count"], 2);
  ASSERT_EQ(p["failure-details"].size(), 2u);
  const auto& f = p["failure-details"][1];
  EXPECT_EQ(f["result-type"], "certificate-not-trusted");
  EXPECT_EQ(f["sending-mta-ip"], "127.0.0.9");
  EXPECT_EQ(f["receiving-mx-hostname"], "mx2.a.test");
  EXPECT_EQ(f["receiving-ip"], "127.0.0.2");
  EXPECT_EQ(f["failed-session-count"], 1);
  EXPECT_EQ(f["failure-reason-code"], "reason for certificate-not-trusted");  // RPT-31
}

TEST(ReportJson, ShapeDefects) {
  const auto id = make_identity("lab.test", "2026-11-23", "abc123");
  const auto s = build_report(sample_day(), id, {Defect::mx_host_as_string});
  EXPECT_TRUE(s["policies"][0]["policy"]["mx-host"].is_string());
  const auto o = build_report(sample_day(), id, {Defect::policies_as_object});
  EXPECT_TRUE(o["policies"].is_object());
}

#ifdef STSLAB_HAVE_TLSRPT
std::vector<tlsrpt::Finding> findings_for(const DefectSet& defects) {
  const auto id = make_identity("lab.test", "2026-11-23", "abc123");
  const auto text = build_report(sample_day(), id, defects).dump();
  auto a = tlsrpt::analyze(gzip_compress(text), {.transport = tlsrpt::Transport::https,
                                                 .content_type = "application/tlsrpt+gzip"});
  EXPECT_FALSE(a.error) << text;
  return a.findings;
}

bool has_finding(const std::vector<tlsrpt::Finding>& findings, const std::string& id) {
  for (const auto& f : findings) {
    if (f.id == id && f.severity != tlsrpt::Severity::note) return true;
  }
  return false;
}

std::string dump(const std::vector<tlsrpt::Finding>& findings) {
  std::string out;
  for (const auto& f : findings)
    out += tlsrpt::to_json(f).dump() + "\n";
  return out;
}

TEST(ReportJson, ValidatesCleanWithTheTlsrptLibrary) {
  const auto findings = findings_for({});
  EXPECT_FALSE(tlsrpt::has_invalid(findings)) << dump(findings);
  for (const auto& f : findings)
    EXPECT_EQ(f.severity, tlsrpt::Severity::note) << dump(findings);
}

TEST(ReportJson, EachShapeDefectIsFound) {
  EXPECT_TRUE(has_finding(findings_for({Defect::mx_host_as_string}), "RPT-26"));
  const auto object = findings_for({Defect::policies_as_object});
  EXPECT_TRUE(has_finding(object, "RPT-22"));
  EXPECT_TRUE(tlsrpt::has_invalid(object));
}

TEST(ReportJson, EveryReportOfAFullDayValidates) {
  // Fetch failures (no MX fields) and a no-policy-found entry alongside an sts one.
  std::vector<SessionRecord> records = {fetch_failure("sts-policy-fetch-error", ""),
                                        session("success", ""), session("success")};
  const auto day = aggregate_sessions(records, {}).front();
  const auto text = build_report(day, make_identity("lab.test", day.day, "x1"), {}).dump();
  auto a = tlsrpt::analyze(text, {});
  ASSERT_FALSE(a.error);
  EXPECT_FALSE(tlsrpt::has_invalid(a.findings)) << dump(a.findings) << text;
}
#endif

}  // namespace
}  // namespace stslab::sender
