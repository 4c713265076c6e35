// The sender against the real fakes on loopback: policy discovery, fetch, cache, STARTTLS and
// certificate checks end to end, and defects that flip the outcome.
#include <gtest/gtest.h>

#include "sender_lab.hpp"
#include "stslab/testing/process.hpp"

namespace stslab::sender::testing {
namespace {

using core::CertProfile;

std::string attempts_text(const SendResult& r) {
  return r.line["attempts"].dump();
}

TEST_F(SenderLab, EnforceDeliversOverVerifiedTls) {
  publish(policy_text("enforce"));
  auto r = send();
  ASSERT_EQ(r.exit_code, kExitDelivered) << r.line.dump() << diag;
  EXPECT_EQ(r.line["state"], "delivered");
  EXPECT_EQ(r.line["tls"], "verified");
  EXPECT_EQ(r.line["mx"], "mx1.a.test");
  EXPECT_EQ(r.line["policy"]["mode"], "enforce");
  EXPECT_EQ(r.line["policy"]["source"], "fetched");
  EXPECT_EQ(r.line["policy"]["id"], "1");
  EXPECT_EQ(r.line["attempts"][0]["result"], "delivered");
  // The MX saw the message inside TLS, with the MX name as SNI (§7.1).
  auto messages = smtp_server->messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_TRUE(messages[0].tls);
  EXPECT_EQ(messages[0].sni, "mx1.a.test");
  EXPECT_EQ(messages[0].rcpts, std::vector<std::string>{"user@a.test"});
  EXPECT_NE(messages[0].data.find("hello from the sender"), std::string::npos);
  // The policy was cached and the session logged in RFC 8460 terms.
  EXPECT_TRUE(std::filesystem::exists(dir / "state" / "policies" / "a.test.json"));
  auto lines = session_lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["kind"], "policy");
  EXPECT_EQ(lines[0]["result-type"], "success");
  EXPECT_EQ(lines[1]["kind"], "session");
  EXPECT_EQ(lines[1]["policy-type"], "sts");
  EXPECT_EQ(lines[1]["result-type"], "success");
  EXPECT_EQ(lines[1]["receiving-mx-hostname"], "mx1.a.test");
  EXPECT_EQ(lines[1]["receiving-ip"], "127.0.0.1");
  EXPECT_EQ(lines[1]["mx-host"], nlohmann::json::array({"mx1.a.test"}));
}

TEST_F(SenderLab, SameIdUsesTheCacheWithoutFetching) {  // STS-CACHE-01
  publish(policy_text("enforce"));
  ASSERT_EQ(send().exit_code, kExitDelivered) << diag;
  auto r = send();
  ASSERT_EQ(r.exit_code, kExitDelivered) << diag;
  EXPECT_EQ(r.line["policy"]["source"], "cache");
  EXPECT_EQ(policy_requests(), 1u);
}

TEST_F(SenderLab, NewIdFetchesAndModeNoneReplacesEnforce) {  // STS-CACHE-02, STS-CACHE-08
  publish(policy_text("enforce"), "20250102");
  ASSERT_EQ(send().exit_code, kExitDelivered) << diag;
  publish(policy_text("none", {}), "20250101");
  set_starttls("mx1.a.test", false);
  auto r = send();
  EXPECT_EQ(r.exit_code, kExitDelivered) << r.line.dump();
  EXPECT_EQ(r.line["policy"]["mode"], "none");
  EXPECT_EQ(r.line["tls"], "none");
  // With the defect the old enforce policy stays and the stripped MX is refused.
  publish(policy_text("enforce"), "3");
  ASSERT_EQ(send().exit_code, kExitDeferred);  // caches enforce under id 3
  publish(policy_text("none", {}), "4");
  auto d = send({Defect::ignore_id_change});
  EXPECT_EQ(d.exit_code, kExitDeferred) << d.line.dump();
  EXPECT_EQ(d.line["policy"]["source"], "cache");
}

TEST_F(SenderLab, ExpiredCertificateUnderEnforceDefers) {  // STS-CERT-01
  publish(policy_text("enforce"));
  set_mx_cert("mx1.a.test", CertProfile::expired);
  auto r = send();
  EXPECT_EQ(r.exit_code, kExitDeferred) << r.line.dump();
  EXPECT_EQ(r.line["state"], "deferred");
  EXPECT_EQ(r.line["mx"], nullptr);
  EXPECT_EQ(r.line["attempts"][0]["result"], "certificate-expired") << attempts_text(r);
  EXPECT_TRUE(smtp_server->messages().empty());
  auto lines = session_lines();
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back()["result-type"], "certificate-expired");
}

TEST_F(SenderLab, DefectIgnoreExpiryDeliversToExpiredCertificate) {
  publish(policy_text("enforce"));
  set_mx_cert("mx1.a.test", CertProfile::expired);
  auto r = send({Defect::ignore_expiry});
  EXPECT_EQ(r.exit_code, kExitDelivered) << r.line.dump();
  EXPECT_EQ(smtp_server->messages().size(), 1u);
}

TEST_F(SenderLab, ExpiredCertificateUnderTestingDelivers) {  // STS-APPLY-04
  publish(policy_text("testing"));
  set_mx_cert("mx1.a.test", CertProfile::expired);
  auto r = send();
  EXPECT_EQ(r.exit_code, kExitDelivered) << r.line.dump();
  EXPECT_EQ(r.line["tls"], "unverified");
  ASSERT_EQ(smtp_server->messages().size(), 1u);
  EXPECT_TRUE(smtp_server->messages()[0].tls);
  auto lines = session_lines();
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back()["result-type"], "certificate-expired");  // recorded for TLS-RPT
}

TEST_F(SenderLab, UntrustedCertificateUnderEnforceDefersUnlessNoCertVerify) {  // STS-CERT-02
  publish(policy_text("enforce"));
  set_mx_cert("mx1.a.test", CertProfile::self_signed);
  auto r = send();
  EXPECT_EQ(r.exit_code, kExitDeferred);
  EXPECT_EQ(r.line["attempts"][0]["result"], "certificate-not-trusted") << attempts_text(r);
  EXPECT_EQ(send({Defect::no_cert_verify}).exit_code, kExitDelivered);
}

TEST_F(SenderLab, PolicyNotFoundDeliversAsNoPolicy) {  // STS-FETCH-03, STS-FETCH-09
  publish(policy_text("enforce"));
  set_policy_response(https::Response::with_status(404, "not here"));
  set_starttls("mx1.a.test", false);
  auto r = send();
  EXPECT_EQ(r.exit_code, kExitDelivered) << r.line.dump();
  EXPECT_EQ(r.line["policy"], nullptr);
  EXPECT_EQ(r.line["tls"], "none");
  auto lines = session_lines();
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front()["result-type"], "sts-policy-fetch-error");
  EXPECT_EQ(lines.front()["policy-type"], "no-policy-found");
}

TEST_F(SenderLab, DefectFailClosedDefersOnFetchError) {
  publish(policy_text("enforce"));
  set_policy_response(https::Response::with_status(404));
  auto r = send({Defect::fail_closed_on_fetch_error});
  EXPECT_EQ(r.exit_code, kExitDeferred) << r.line.dump();
  EXPECT_TRUE(smtp_server->messages().empty());
}

TEST_F(SenderLab, DefectAcceptNon200) {  // STS-FETCH-03
  publish(policy_text("enforce"));
  auto response = https::Response::text(policy_text("enforce"));
  response.status = 203;
  set_policy_response(response);
  set_starttls("mx1.a.test", false);
  EXPECT_EQ(send().exit_code, kExitDelivered);  // no policy: plaintext is fine
  EXPECT_EQ(send({Defect::accept_non_200}).exit_code, kExitDeferred);
}

TEST_F(SenderLab, WrongMediaTypeIsRejectedUnlessIgnored) {  // STS-FETCH-06
  publish(policy_text("enforce"));
  set_policy_response(https::Response::text(policy_text("enforce"), "text/html"));
  set_starttls("mx1.a.test", false);
  EXPECT_EQ(send().exit_code, kExitDelivered);
  EXPECT_EQ(send({Defect::ignore_content_type}).exit_code, kExitDeferred);
}

TEST_F(SenderLab, MissingStarttlsUnderEnforce) {  // STS-APPLY-01
  publish(policy_text("enforce"));
  set_starttls("mx1.a.test", false);
  auto r = send();
  EXPECT_EQ(r.exit_code, kExitDeferred) << r.line.dump();
  EXPECT_EQ(r.line["attempts"][0]["result"], "starttls-not-offered");
  EXPECT_TRUE(smtp_server->messages().empty());
  auto fallback = send({Defect::fallback_plaintext_on_enforce});
  EXPECT_EQ(fallback.exit_code, kExitDelivered) << fallback.line.dump();
  ASSERT_EQ(smtp_server->messages().size(), 1u);
  EXPECT_FALSE(smtp_server->messages()[0].tls);
}

TEST_F(SenderLab, RefusedStarttlsUnderEnforceDefers) {  // STS-APPLY-02
  publish(policy_text("enforce"));
  smtp_server->add_reply("mx1.a.test", {smtp::Stage::starttls, 454, "4.7.0 TLS not available"});
  auto r = send();
  EXPECT_EQ(r.exit_code, kExitDeferred) << r.line.dump();
  EXPECT_EQ(r.line["attempts"][0]["result"], "starttls-refused");
  EXPECT_TRUE(smtp_server->messages().empty());
}

TEST_F(SenderLab, CachedPolicySurvivesMissingTxt) {  // STS-CACHE-07
  publish(policy_text("enforce"));
  ASSERT_EQ(send().exit_code, kExitDelivered) << diag;
  remove_txt();
  set_starttls("mx1.a.test", false);
  auto r = send();
  EXPECT_EQ(r.exit_code, kExitDeferred) << r.line.dump();
  EXPECT_EQ(r.line["policy"]["source"], "cache");
  auto d = send({Defect::drop_cache_on_missing_txt});
  EXPECT_EQ(d.exit_code, kExitDelivered) << d.line.dump();
  EXPECT_EQ(d.line["policy"], nullptr);
}

TEST_F(SenderLab, TxtTimeoutKeepsTheCacheAndTheMxLookupWorks) {  // STS-FETCH-10 (b)
  timeout = std::chrono::milliseconds(400);
  publish(policy_text("enforce"));
  ASSERT_EQ(send().exit_code, kExitDelivered) << diag;
  zone.set_fault("_mta-sts.a.test", dns::Fault::timeout);
  set_starttls("mx1.a.test", false);
  auto r = send();
  EXPECT_EQ(r.exit_code, kExitDeferred) << r.line.dump();
  EXPECT_EQ(r.line["policy"]["source"], "cache");
  EXPECT_EQ(r.line["attempts"][0]["result"], "starttls-not-offered") << attempts_text(r);
  // Without a cache the timeout means no policy, and the MX is still found.
  std::filesystem::remove_all(dir / "state" / "policies");
  auto n = send();
  EXPECT_EQ(n.exit_code, kExitDelivered) << n.line.dump();
  EXPECT_EQ(n.line["policy"], nullptr);
}

TEST_F(SenderLab, MxOutsideThePolicyIsSkipped) {  // STS-MX-01, STS-MX-05
  add_mx("mx0.a.test", "127.0.0.2");
  zone.replace("a.test", "MX", {"a.test. MX 10 mx0.a.test.", "a.test. MX 20 mx1.a.test."});
  publish(policy_text("enforce", {"mx1.a.test"}));
  auto r = send();
  ASSERT_EQ(r.exit_code, kExitDelivered) << r.line.dump();
  EXPECT_EQ(r.line["mx"], "mx1.a.test");
  EXPECT_EQ(r.line["attempts"][0]["result"], "mx-not-in-policy");
  auto d = send({Defect::ignore_mx_match});
  EXPECT_EQ(d.line["mx"], "mx0.a.test") << d.line.dump();
}

TEST_F(SenderLab, WildcardDepth) {  // STS-MX-03
  add_mx("deep.x.a.test", "127.0.0.3");
  zone.replace("a.test", "MX", {"a.test. MX 10 deep.x.a.test."});
  publish(policy_text("enforce", {"*.a.test"}));
  EXPECT_EQ(send().exit_code, kExitDeferred);
  EXPECT_EQ(send({Defect::wildcard_any_depth}).exit_code, kExitDelivered);
}

TEST_F(SenderLab, RedirectIsNotFollowed) {  // STS-FETCH-04
  publish(policy_text("enforce"));
  set_policy_response(https::Response::redirect(301, "https://mta-sts.a.test/moved"));
  set_policy_response(https::Response::text(policy_text("enforce")), "/moved");
  set_starttls("mx1.a.test", false);
  auto r = send();
  EXPECT_EQ(r.exit_code, kExitDelivered) << r.line.dump();
  EXPECT_EQ(r.line["policy"], nullptr);
  auto d = send({Defect::follow_redirects});
  EXPECT_EQ(d.exit_code, kExitDeferred) << d.line.dump();
}

TEST_F(SenderLab, PolicyFetchSendsSni) {  // STS-FETCH-11
  publish(policy_text("enforce"));
  set_starttls("mx1.a.test", false);
  EXPECT_EQ(send().exit_code, kExitDeferred);
  // Without SNI the policy host shows its fallback certificate, which fails validation.
  std::filesystem::remove_all(dir / "state" / "policies");  // start again with an empty cache
  auto d = send({Defect::no_sni});
  EXPECT_EQ(d.exit_code, kExitDelivered) << d.line.dump();
  EXPECT_EQ(session_lines()[session_lines().size() - 2]["result-type"], "sts-webpki-invalid");
}

TEST_F(SenderLab, BadPolicyCertificateIsIgnoredUnlessNotVerified) {  // STS-FETCH-02
  publish(policy_text("enforce"));
  https_server->set_certificate("mta-sts.a.test", https::CertSpec{.profile = CertProfile::expired});
  set_starttls("mx1.a.test", false);
  EXPECT_EQ(send().exit_code, kExitDelivered);
  EXPECT_EQ(send({Defect::policy_cert_no_verify}).exit_code, kExitDeferred);
}

TEST_F(SenderLab, InvalidPolicyBodyIsNoPolicy) {  // STS-PARSE-04
  publish("version: STSv1\nmode: Enforce\nmx: mx1.a.test\nmax_age: 86400\n");
  set_starttls("mx1.a.test", false);
  auto r = send();
  EXPECT_EQ(r.exit_code, kExitDelivered) << r.line.dump();
  EXPECT_EQ(session_lines().front()["result-type"], "sts-policy-invalid");
}

TEST_F(SenderLab, TwoTxtRecordsMeanNoFetch) {  // STS-DISC-03
  publish(policy_text("enforce"));
  zone.add("_mta-sts.a.test. TXT \"v=STSv1; id=2\"");
  set_starttls("mx1.a.test", false);
  EXPECT_EQ(send().exit_code, kExitDelivered);
  EXPECT_EQ(policy_requests(), 0u);
  EXPECT_EQ(send({Defect::multiple_txt_accepted}).exit_code, kExitDeferred);
}

TEST_F(SenderLab, ServerReplies) {  // 4xx defers, 5xx bounces, a bad greeting tries the next
  publish(policy_text("enforce"));
  smtp_server->add_reply("mx1.a.test", {smtp::Stage::rcpt, 450, "4.2.1 busy"});
  EXPECT_EQ(send().exit_code, kExitDeferred);
  smtp_server->clear_replies("mx1.a.test");
  smtp_server->add_reply("mx1.a.test", {smtp::Stage::rcpt, 550, "5.1.1 no such user"});
  auto b = send();
  EXPECT_EQ(b.exit_code, kExitBounced) << b.line.dump();
  EXPECT_EQ(b.line["state"], "bounced");
  smtp_server->clear_replies("mx1.a.test");
  smtp_server->add_reply("mx1.a.test", {smtp::Stage::banner, 554, "go away"});
  auto g = send();
  EXPECT_EQ(g.exit_code, kExitDeferred);
  EXPECT_EQ(g.line["attempts"][0]["result"], "greeting-failed");
}

TEST_F(SenderLab, UnreachableMxDefers) {
  publish(policy_text("enforce"));
  zone.replace("mx1.a.test", "A", {"mx1.a.test. A 127.0.0.9"});  // nothing listens there
  auto r = send();
  EXPECT_EQ(r.exit_code, kExitDeferred);
  EXPECT_EQ(r.line["attempts"][0]["result"], "connect-failed") << attempts_text(r);
}

TEST_F(SenderLab, TheBinaryPrintsOneJsonLine) {
  publish(policy_text("enforce"));
  // On this lab's clock: the real one (sender_lab.hpp).
  auto run = stslab::testing::run_process(send_argv(STSLAB_SENDER_BINARY), "",
                                          std::chrono::seconds(20), clock.offset());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  ASSERT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), 1);
  auto line = nlohmann::json::parse(run.out);
  EXPECT_EQ(line["id"], "binary-test");
  EXPECT_EQ(line["state"], "delivered");
  EXPECT_EQ(line["tls"], "verified");

  auto list = stslab::testing::run_process({STSLAB_SENDER_BINARY, "list-defects"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_EQ(static_cast<std::size_t>(std::count(list.out.begin(), list.out.end(), '\n')),
            kDefectCount);
  auto bad = stslab::testing::run_process({STSLAB_SENDER_BINARY, "send", "--from", "a@b", "--to",
                                           "c@d", "--message", "/dev/null", "--state-dir",
                                           dir.string(), "--defect", "no-such-thing"});
  EXPECT_EQ(bad.exit_code, kExitUsage);
  EXPECT_NE(bad.err.find("no-cert-verify"), std::string::npos);
}

}  // namespace
}  // namespace stslab::sender::testing
