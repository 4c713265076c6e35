// TLS-RPT end to end on loopback: sessions recorded by `send`, then `report --flush` builds the
// day's report and delivers it by https POST and by mail (RFC 8460 §3, §5). The reports are
// decoded and, when the tlsrpt library is built, validated.
#include <gtest/gtest.h>

#include <fstream>

#include "sender_lab.hpp"
#include "stslab/sender/dkim.hpp"
#include "stslab/sender/encoding.hpp"
#include "stslab/testing/process.hpp"
#ifdef STSLAB_HAVE_TLSRPT
#include "stslab/tlsrpt/analyze.hpp"
#endif

namespace stslab::sender::testing {
namespace {

const std::string kBoth = "\"v=TLSRPTv1; rua=https://rpt.test/tlsrpt,mailto:tlsrpt@rpt.test\"";
const std::string kMailOnly = "\"v=TLSRPTv1; rua=mailto:tlsrpt@rpt.test\"";

std::string lines_text(const ReportRun& run) {
  std::string out;
  for (const auto& l : run.lines)
    out += l.dump() + "\n";
  return out;
}

// The report JSON inside a stored mail: the base64 part after Content-Disposition.
std::string report_from_mail(const std::string& data) {
  const auto disposition = data.find("Content-Disposition: attachment");
  if (disposition == std::string::npos) return {};
  const auto start = data.find("\r\n\r\n", disposition) + 4;
  const auto end = data.find("\r\n--", start);
  return gzip_decompress(base64_decode(data.substr(start, end - start)));
}

std::vector<smtp::StoredMessage> report_mails(const smtp::SmtpServer& server) {
  return server.messages_for("rpt.test");
}

class ReportLab : public SenderLab {
 protected:
  // Three sessions under testing: two stripped (STARTTLS not offered), one clean.
  void three_testing_sessions() {
    publish(policy_text("testing"));
    set_starttls("mx1.a.test", false);
    ASSERT_EQ(send().exit_code, kExitDelivered) << diag;
    ASSERT_EQ(send().exit_code, kExitDelivered) << diag;
    set_starttls("mx1.a.test", true);
    ASSERT_EQ(send().exit_code, kExitDelivered) << diag;
  }
};

void expect_counts(const nlohmann::json& report, int ok, int failed) {
  ASSERT_TRUE(report["policies"].is_array()) << report.dump();
  ASSERT_EQ(report["policies"].size(), 1u) << report.dump();
  const auto& p = report["policies"][0];
  EXPECT_EQ(p["policy"]["policy-type"], "sts");
  EXPECT_EQ(p["policy"]["policy-domain"], "a.test");
  EXPECT_EQ(p["policy"]["mx-host"], nlohmann::json::array({"mx1.a.test"}));
  EXPECT_EQ(p["summary"]["total-successful-session-count"], ok);
  EXPECT_EQ(p["summary"]["total-failure-session-count"], failed);
  ASSERT_EQ(p["failure-details"].size(), 1u);
  EXPECT_EQ(p["failure-details"][0]["result-type"], "starttls-not-supported");
  EXPECT_EQ(p["failure-details"][0]["receiving-mx-hostname"], "mx1.a.test");
  EXPECT_EQ(p["failure-details"][0]["receiving-ip"], "127.0.0.1");
  EXPECT_EQ(p["failure-details"][0]["sending-mta-ip"], "127.0.0.1");
  EXPECT_EQ(p["failure-details"][0]["failed-session-count"], failed);
}

TEST_F(ReportLab, TestingFailuresAreReportedByHttpsAndByMail) {  // STS-RPT-03, RPT-06
  three_testing_sessions();
  publish_tlsrpt(kBoth);
  // The day is not over: nothing is due without --flush (RFC 8460 §4.1).
  auto early = report({}, false);
  EXPECT_EQ(early.exit_code, 0);
  EXPECT_TRUE(early.lines.empty()) << lines_text(early);

  auto run = report();
  ASSERT_EQ(run.exit_code, 0) << lines_text(run) << diag;
  ASSERT_EQ(run.lines.size(), 2u) << lines_text(run);
  EXPECT_EQ(run.lines[0]["transport"], "https");
  EXPECT_EQ(run.lines[1]["transport"], "mailto");
  EXPECT_EQ(run.lines[0]["policy_domain"], "a.test");
  EXPECT_TRUE(run.lines[1]["ok"].get<bool>());

  // By https: a POST of gzip labelled as such (RPT-07, RPT-19).
  auto posts = https_server->posts("rpt.test");
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].content_type, "application/tlsrpt+gzip");
  ASSERT_GE(posts[0].body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(posts[0].body[0]), 0x1f);
  const auto posted = nlohmann::json::parse(gzip_decompress(posts[0].body));
  expect_counts(posted, 1, 2);
  EXPECT_EQ(posted["organization-name"], "lab.test");  // the --from domain of send
  EXPECT_EQ(posted["contact-info"], "tlsrpt-noreply@lab.test");

  // By mail: the same report, from the contact address, DKIM-signed, not logged as a session.
  auto mails = report_mails(*smtp_server);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].mail_from, "tlsrpt-noreply@lab.test");
  EXPECT_EQ(mails[0].rcpts, std::vector<std::string>{"tlsrpt@rpt.test"});
  EXPECT_TRUE(mails[0].data.starts_with("DKIM-Signature: v=1; a=rsa-sha256;"));
  EXPECT_NE(mails[0].data.find("TLS-Report-Domain: a.test\r\n"), std::string::npos);
  EXPECT_NE(mails[0].data.find("TLS-Report-Submitter: lab.test\r\n"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(report_from_mail(mails[0].data)), posted);
  EXPECT_TRUE(std::filesystem::exists(dir / "state" / "dkim" / "selector.txt"));
  EXPECT_EQ(session_lines().size(), 6u);  // 3 x (policy + session): report sessions not counted

#ifdef STSLAB_HAVE_TLSRPT
  auto by_post = tlsrpt::analyze(posts[0].body, {.transport = tlsrpt::Transport::https,
                                                 .content_type = posts[0].content_type});
  ASSERT_FALSE(by_post.error);
  EXPECT_FALSE(tlsrpt::has_invalid(by_post.findings)) << tlsrpt::to_json(by_post).dump();
  auto by_mail = tlsrpt::analyze(mails[0].data, {.transport = tlsrpt::Transport::mail});
  ASSERT_FALSE(by_mail.error);
  EXPECT_FALSE(tlsrpt::has_invalid(by_mail.findings)) << tlsrpt::to_json(by_mail).dump();
#endif

  // A report is sent once (state in STATE_DIR/reports).
  auto again = report();
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_TRUE(again.lines.empty()) << lines_text(again);
  EXPECT_EQ(https_server->posts("rpt.test").size(), 1u);
  EXPECT_EQ(report_mails(*smtp_server).size(), 1u);
}

TEST_F(ReportLab, EnforceFailuresAreReportedAndModeNoneIsNot) {  // STS-RPT-03, STS-APPLY-05
  publish(policy_text("enforce"));
  set_mx_cert("mx1.a.test", core::CertProfile::expired);
  ASSERT_EQ(send().exit_code, kExitDeferred);
  publish_tlsrpt(kMailOnly);
  ASSERT_EQ(report().exit_code, 0) << diag;
  auto mails = report_mails(*smtp_server);
  ASSERT_EQ(mails.size(), 1u);
  auto r = nlohmann::json::parse(report_from_mail(mails[0].data));
  EXPECT_EQ(r["policies"][0]["failure-details"][0]["result-type"], "certificate-expired");

  // Next: mode none and a stripped MX. Only a success-free no-policy entry could follow, and
  // a stripped session is no success: nothing is reported for the new day's sessions.
  std::filesystem::remove_all(dir / "state");
  publish(policy_text("none", {}), "2");
  set_starttls("mx1.a.test", false);
  ASSERT_EQ(send().exit_code, kExitDelivered);
  auto none = report();
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_TRUE(none.lines.empty()) << lines_text(none);
}

TEST_F(ReportLab, FetchFailureWithAValidTxtIsReported) {  // STS-RPT-01
  publish(policy_text("enforce"));
  set_policy_response(https::Response::with_status(500));
  ASSERT_EQ(send().exit_code, kExitDelivered);  // no policy: delivered as without MTA-STS
  publish_tlsrpt(kMailOnly);
  ASSERT_EQ(report().exit_code, 0) << diag;
  auto mails = report_mails(*smtp_server);
  ASSERT_EQ(mails.size(), 1u);
  auto r = nlohmann::json::parse(report_from_mail(mails[0].data));
  bool found = false;
  for (const auto& p : r["policies"]) {
    for (const auto& f : p["failure-details"])
      found = found || f["result-type"] == "sts-policy-fetch-error";
  }
  EXPECT_TRUE(found) << r.dump();
}

TEST_F(ReportLab, NoTlsrptRecordMeansNoReport) {  // RPT-02
  three_testing_sessions();
  publish_tlsrpt("\"v=TLSRPTv1; rua=https://rpt.test/tlsrpt\" \"\"");
  zone.add("_smtp._tls.a.test. TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@rpt.test\"");  // two: none
  auto run = report();
  EXPECT_EQ(run.exit_code, 0);
  ASSERT_EQ(run.lines.size(), 1u) << lines_text(run);
  EXPECT_EQ(run.lines[0]["rua"], nullptr);
  EXPECT_TRUE(https_server->posts("rpt.test").empty());
  EXPECT_TRUE(report_mails(*smtp_server).empty());
}

TEST_F(ReportLab, AFailedPostIsRetriedNextRun) {  // RPT-09, RPT-36
  three_testing_sessions();
  publish_tlsrpt("\"v=TLSRPTv1; rua=https://rpt.test/tlsrpt\"");
  https_server->set_post_sink("rpt.test", "/tlsrpt",
                              https::PostSink{.reply = https::Response::with_status(503)});
  auto first = report();
  EXPECT_EQ(first.exit_code, kExitDeferred) << lines_text(first);
  ASSERT_EQ(first.lines.size(), 1u);
  EXPECT_FALSE(first.lines[0]["ok"].get<bool>());
  EXPECT_EQ(first.lines[0]["detail"], "HTTP status 503");
  https_server->set_post_sink("rpt.test", "/tlsrpt", https::PostSink{});
  auto second = report();
  EXPECT_EQ(second.exit_code, 0) << lines_text(second);
  ASSERT_EQ(second.lines.size(), 1u);
  EXPECT_TRUE(second.lines[0]["ok"].get<bool>());
  EXPECT_EQ(second.lines[0]["report_id"], first.lines[0]["report_id"]);  // the same report
  EXPECT_EQ(report().lines.size(), 0u);
}

// RPT-10: rpt.test has an enforce policy and its MX does not offer STARTTLS. The report goes
// out anyway, in plaintext; with report-blocked-by-sts it stays undelivered.
class ReportMxStripped : public ReportLab {
 protected:
  void SetUp() override {
    three_testing_sessions();
    publish_tlsrpt(kMailOnly);
    zone.replace("_mta-sts.rpt.test", "TXT", {"_mta-sts.rpt.test. TXT \"v=STSv1; id=1\""});
    zone.add("mta-sts.rpt.test. A 127.0.0.1");
    https_server->set_vhost({.name = "mta-sts.rpt.test"});
    https_server->set_route("mta-sts.rpt.test", kPolicyPath,
                            https::Response::text(policy_text("enforce", {"mx.rpt.test"})));
    set_starttls("mx.rpt.test", false);
  }
};

TEST_F(ReportMxStripped, TheReportMailStillArrives) {
  auto run = report();
  ASSERT_EQ(run.exit_code, 0) << lines_text(run) << diag;
  auto mails = report_mails(*smtp_server);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_FALSE(mails[0].tls);
}

TEST_F(ReportMxStripped, DefectReportBlockedByStsWithholdsIt) {
  auto run = report({Defect::report_blocked_by_sts});
  EXPECT_EQ(run.exit_code, kExitDeferred) << lines_text(run);
  ASSERT_EQ(run.lines.size(), 1u);
  EXPECT_FALSE(run.lines[0]["ok"].get<bool>());
  EXPECT_TRUE(report_mails(*smtp_server).empty());
}

TEST_F(ReportLab, ReportDefectsShowInWhatArrives) {
  three_testing_sessions();
  publish_tlsrpt(kBoth);
  auto run = report({Defect::gzip_labelled_json, Defect::missing_report_headers,
                     Defect::mx_host_as_string, Defect::wrong_result_type});
  ASSERT_EQ(run.exit_code, 0) << lines_text(run);
  auto posts = https_server->posts("rpt.test");
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].content_type, "application/tlsrpt+json");
  const auto r = nlohmann::json::parse(gzip_decompress(posts[0].body));
  EXPECT_TRUE(r["policies"][0]["policy"]["mx-host"].is_string());
  EXPECT_EQ(r["policies"][0]["failure-details"][0]["result-type"], "validation-failure");
  auto mails = report_mails(*smtp_server);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].data.find("TLS-Report-Domain:"), std::string::npos);
#ifdef STSLAB_HAVE_TLSRPT
  auto a = tlsrpt::analyze(posts[0].body, {.transport = tlsrpt::Transport::https,
                                           .content_type = posts[0].content_type});
  ASSERT_FALSE(a.error);
  bool rpt07 = false;
  for (const auto& f : a.findings)
    rpt07 = rpt07 || (f.id == "RPT-07" && f.severity != tlsrpt::Severity::note);
  EXPECT_TRUE(rpt07) << tlsrpt::to_json(a).dump();
#endif
}

TEST_F(ReportLab, DefectNoReportInTestingRecordsNothing) {  // STS-RPT-03
  publish(policy_text("testing"));
  set_starttls("mx1.a.test", false);
  ASSERT_EQ(send({Defect::no_report_in_testing}).exit_code, kExitDelivered);
  for (const auto& line : session_lines())
    EXPECT_NE(line["result-type"], "starttls-not-supported") << line.dump();
  publish_tlsrpt(kMailOnly);
  auto run = report();
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_TRUE(run.lines.empty()) << lines_text(run);
}

TEST_F(ReportLab, TheBinaryReports) {
  three_testing_sessions();
  publish_tlsrpt(kMailOnly);
  auto run = stslab::testing::run_process(
      {STSLAB_SENDER_BINARY, "report", "--state-dir", (dir / "state").string(), "--flush", "--dns",
       "127.0.0.1:" + std::to_string(dns_port), "--smtp-port", std::to_string(smtp_port),
       "--https-port", std::to_string(https_port), "--ca-file", (dir / "ca.pem").string(),
       "--submitter", "reporter.test", "--timeout-ms", "5000"},
      "", std::chrono::seconds(20), clock.offset());  // this lab's clock: the real one
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  ASSERT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), 1);
  const auto line = nlohmann::json::parse(run.out);
  EXPECT_EQ(line["transport"], "mailto");
  EXPECT_TRUE(line["ok"].get<bool>());
  auto mails = report_mails(*smtp_server);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].data.find("TLS-Report-Submitter: reporter.test"), std::string::npos);
}

}  // namespace
}  // namespace stslab::sender::testing
