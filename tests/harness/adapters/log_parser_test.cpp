// The postfix manifest's log rules against lines Postfix 3.7 and postfix-mta-sts-resolver really
// wrote (captured from the end-to-end runs and the lab recipe, host names kept).
#include "stslab/harness/adapters/log_parser.hpp"

#include <gtest/gtest.h>

namespace stslab::harness::adapters {
namespace {

const Manifest& manifest() {
  static const Manifest m = load_manifest(data_root() + "/adapters/postfix/manifest.yaml");
  return m;
}

// A parser for the manifest's log file `index` (0: postfix.log, 1: the resolver's log).
LogParser parser(std::size_t index = 0) {
  return LogParser(manifest().logs.at(index).rules);
}

constexpr const char* kPrefix = "Nov 23 00:39:51 sender ";

std::string verified_tls(const std::string& pid, const std::string& host, const std::string& ip) {
  return std::string(kPrefix) + "postfix/smtp[" + pid +
         "]: Verified TLS connection established to " + host + "[" + ip +
         "]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) " +
         "key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256";
}

TEST(PostfixLog, VerifiedTlsThenSentIsOneTlsEventAndADeliveryCarryingIt) {
  auto p = parser();
  const auto tls = p.feed(verified_tls("143", "mx1.tls.e2e.test", "127.0.1.1"));
  ASSERT_EQ(tls.size(), 1u);
  EXPECT_EQ(tls[0].kind, "mta.tls");
  EXPECT_EQ(tls[0].domain, "mx1.tls.e2e.test");
  EXPECT_EQ(tls[0].host, "mx1.tls.e2e.test");
  EXPECT_EQ(tls[0].data["trust"], "verified");
  EXPECT_EQ(tls[0].data["version"], "TLSv1.3");
  EXPECT_EQ(tls[0].data["cipher"], "TLS_AES_256_GCM_SHA384");
  EXPECT_EQ(tls[0].data["address"], "127.0.1.1");
  EXPECT_EQ(tls[0].data["port"], "25");

  const auto sent = p.feed(std::string(kPrefix) +
                           "postfix/smtp[143]: 4C52BA741CB: to=<m1@tls.e2e.test>, "
                           "relay=mx1.tls.e2e.test[127.0.1.1]:25, delay=0.49, "
                           "delays=0.21/0.2/0.09/0, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued "
                           "as 1.1)");
  ASSERT_EQ(sent.size(), 1u);
  const auto& e = sent[0];
  EXPECT_EQ(e.kind, "mta.delivery");
  EXPECT_EQ(e.domain, "tls.e2e.test");
  EXPECT_EQ(e.host, "mx1.tls.e2e.test");
  EXPECT_EQ(e.data["recipient"], "m1@tls.e2e.test");
  EXPECT_EQ(e.data["status"], "sent");
  EXPECT_EQ(e.data["dsn"], "2.0.0");
  EXPECT_EQ(e.data["queue_id"], "4C52BA741CB");
  EXPECT_EQ(e.data["relay"], "mx1.tls.e2e.test[127.0.1.1]:25");
  EXPECT_EQ(e.data["reason"], "250 2.0.0 Ok: queued as 1.1");
  EXPECT_EQ(e.data["tls"]["trust"], "verified");
  EXPECT_NE(e.data["line"].get<std::string>().find("status=sent"), std::string::npos);
}

TEST(PostfixLog, TlsRequiredButNotOfferedIsADeferralWithoutTls) {
  auto p = parser();
  const auto e = p.feed(std::string(kPrefix) +
                        "postfix/smtp[143]: C2CD9A741CE: to=<m2@stripped.e2e.test>, "
                        "relay=mx1.stripped.e2e.test[127.0.2.1]:25, delay=0.09, "
                        "delays=0.01/0/0.08/0, dsn=4.7.4, status=deferred (TLS is required, but "
                        "was not offered by host mx1.stripped.e2e.test[127.0.2.1])");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].data["status"], "deferred");
  EXPECT_EQ(e[0].data["dsn"], "4.7.4");
  EXPECT_EQ(e[0].data["reason"],
            "TLS is required, but was not offered by host mx1.stripped.e2e.test[127.0.2.1]");
  EXPECT_EQ(e[0].data["tls"], false);
  EXPECT_EQ(e[0].domain, "stripped.e2e.test");
}

TEST(PostfixLog, AnUntrustedCertificateUnderAPolicyIsADeferralAfterUntrustedTls) {
  auto p = parser();
  const auto tls = p.feed(std::string(kPrefix) +
                          "postfix/smtp[77]: Untrusted TLS connection established to "
                          "mx.d.test[127.0.4.1]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 "
                          "(256/256 bits)");
  ASSERT_EQ(tls.size(), 1u);
  EXPECT_EQ(tls[0].data["trust"], "untrusted");
  const auto e = p.feed(std::string(kPrefix) +
                        "postfix/smtp[77]: 1A2B3C: to=<u@d.test>, relay=mx.d.test[127.0.4.1]:25, "
                        "delay=0.1, delays=0/0/0.1/0, dsn=4.7.5, status=deferred (Server "
                        "certificate not verified)");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].data["status"], "deferred");
  EXPECT_EQ(e[0].data["reason"], "Server certificate not verified");
  EXPECT_EQ(e[0].data["tls"]["trust"], "untrusted");
}

TEST(PostfixLog, PlainPostfixLogsTrustedTlsAndAnonymousIsRecognizedToo) {
  auto p = parser();
  auto trusted = p.feed(std::string(kPrefix) +
                        "postfix/smtp[134]: Trusted TLS connection established to "
                        "mx1.tls.e2e.test[127.0.1.1]:25: TLSv1.3 with cipher "
                        "TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 "
                        "server-signature RSA-PSS (2048 bits) server-digest SHA256");
  ASSERT_EQ(trusted.size(), 1u);
  EXPECT_EQ(trusted[0].data["trust"], "trusted");
  auto anonymous = p.feed(std::string(kPrefix) +
                          "postfix/smtp[135]: Anonymous TLS connection established to "
                          "mx.c.test[127.0.3.1]:25: TLSv1.2 with cipher "
                          "ADH-AES256-GCM-SHA384 (256/256 bits)");
  ASSERT_EQ(anonymous.size(), 1u);
  EXPECT_EQ(anonymous[0].data["trust"], "anonymous");
  EXPECT_EQ(anonymous[0].data["version"], "TLSv1.2");
}

TEST(PostfixLog, APlaintextDeliveryAfterAnotherSessionDoesNotInheritItsTls) {
  auto p = parser();
  p.feed(verified_tls("134", "mx1.tls.e2e.test", "127.0.1.1"));
  // The same smtp process then delivers elsewhere without TLS.
  const auto e = p.feed(std::string(kPrefix) +
                        "postfix/smtp[134]: 094F0A74390: to=<m1@stripped.e2e.test>, "
                        "relay=mx1.stripped.e2e.test[127.0.2.1]:25, delay=0.27, "
                        "delays=0.13/0.13/0/0, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as "
                        "1.1)");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].data["tls"], false);
}

TEST(PostfixLog, ARetryToTheSameRelayDoesNotInheritTheEarlierAttemptsTls) {
  auto p = parser();
  const std::string deferred =
      std::string(kPrefix) +
      "postfix/smtp[9]: AB12: to=<u@d.test>, relay=mx.d.test[127.0.4.1]:25, delay=0.1, "
      "delays=0/0/0.1/0, dsn=4.7.5, status=deferred (Server certificate not verified)";
  p.feed(verified_tls("9", "mx.d.test", "127.0.4.1"));
  EXPECT_TRUE(p.feed(deferred)[0].data["tls"].is_object());
  // postqueue -f: the same process tries again; this time no TLS session was logged.
  EXPECT_EQ(p.feed(deferred)[0].data["tls"], false);
}

TEST(PostfixLog, OneTlsSessionServesEveryRecipientOfTheMessage) {
  auto p = parser();
  p.feed(verified_tls("5", "mx.a.test", "127.0.1.1"));
  for (const char* rcpt : {"a@a.test", "b@a.test"}) {
    const auto e = p.feed(std::string(kPrefix) + "postfix/smtp[5]: 99AA: to=<" + rcpt +
                          ">, relay=mx.a.test[127.0.1.1]:25, delay=0.1, delays=0/0/0.1/0, "
                          "dsn=2.0.0, status=sent (250 ok)");
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].data["tls"]["trust"], "verified") << rcpt;
  }
}

TEST(PostfixLog, ALoopBackToItselfIsABounce) {
  auto p = parser();
  const auto e = p.feed(std::string(kPrefix) +
                        "postfix/smtp[12]: 5F00: to=<u@loop.test>, relay=none, delay=0.01, "
                        "delays=0/0/0/0, dsn=5.4.6, status=bounced (mail for loop.test loops "
                        "back to myself)");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].data["status"], "bounced");
  EXPECT_EQ(e[0].data["reason"], "mail for loop.test loops back to myself");
  EXPECT_EQ(e[0].host, "");
  EXPECT_FALSE(e[0].data.contains("tls"));  // no relay was reached
}

TEST(PostfixLog, AResolverOutageIsADeferralWithRelayNone) {
  auto p = parser();
  const auto e = p.feed(std::string(kPrefix) +
                        "postfix/smtp[12]: 6A00: to=<u@c.test>, orig_to=<alias@c.test>, "
                        "relay=none, delay=0.2, delays=0.1/0/0.1/0, dsn=4.7.5, status=deferred "
                        "(client TLS configuration problem)");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].data["recipient"], "u@c.test");
  EXPECT_EQ(e[0].data["reason"], "client TLS configuration problem");
}

TEST(PostfixLog, AnExpiredMessageIsOneEventPerRecipientStillQueued) {
  auto p = parser();
  for (const char* rcpt : {"a@z.test", "b@z.test"}) {
    p.feed(std::string(kPrefix) + "postfix/smtp[3]: 77EE: to=<" + rcpt +
           ">, relay=none, delay=1, delays=0/0/1/0, dsn=4.4.1, status=deferred (connect to "
           "mx.z.test[127.0.9.1]:25: Connection refused)");
  }
  const auto e = p.feed(std::string(kPrefix) +
                        "postfix/qmgr[2]: 77EE: from=<s@sender.test>, status=expired, returned "
                        "to sender");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].data["recipient"], "a@z.test");
  EXPECT_EQ(e[1].data["recipient"], "b@z.test");
  EXPECT_EQ(e[1].data["status"], "expired");
  EXPECT_EQ(e[1].data["reason"], "returned to sender");
  EXPECT_EQ(e[1].domain, "z.test");
}

TEST(PostfixLog, OtherLinesYieldNothing) {
  auto p = parser();
  for (const char* line :
       {"Nov 23 00:39:50 sender postfix/master[132]: daemon started -- version 3.7.11",
        "Nov 23 00:39:51 sender postfix/smtpd[137]: connect from localhost[127.0.0.1]",
        "Nov 23 00:39:51 sender postfix/qmgr[134]: 4C52BA741CB: from=<s@sender.test>, size=262, "
        "nrcpt=1 (queue active)",
        "Nov 23 00:39:51 sender postfix/qmgr[134]: 4C52BA741CB: removed", ""}) {
    EXPECT_TRUE(p.feed(line).empty()) << line;
  }
}

TEST(ResolverLog, LookupsRecordsPoliciesAndFetchFailuresArePolicyEvents) {
  auto p = parser(1);
  auto e = p.feed("2026-11-23 00:44:41 DEBUG    STS: Lookup PERFORMED: domain = tls.e2e.test");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, "mta.policy");
  EXPECT_EQ(e[0].domain, "tls.e2e.test");
  EXPECT_EQ(e[0].data["event"], "lookup");
  EXPECT_EQ(e[0].data["lookup"], "PERFORMED");

  e = p.feed(
      "2026-11-23 00:39:51 DEBUG    RES: Parsed STS record for domain 'tls.e2e.test': "
      "{'v': 'STSv1', 'id': '1'}");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].data["event"], "record");
  EXPECT_EQ(e[0].data["record"], "{'v': 'STSv1', 'id': '1'}");

  e = p.feed(
      "2026-11-23 00:39:51 DEBUG    RES: Parsed policy for domain tls.e2e.test: {'mx': "
      "['mx1.tls.e2e.test'], 'version': 'STSv1', 'mode': 'enforce', 'max_age': '86400'}");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].data["event"], "policy");
  EXPECT_EQ(e[0].domain, "tls.e2e.test");

  e = p.feed(
      "2026-11-23 00:39:51 WARNING  RES: STS policy fetch for domain 'i.test' failed with "
      "error: Cannot connect to host mta-sts.i.test:443 ssl:True [certificate has expired]");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].data["event"], "fetch_failed");
  EXPECT_EQ(e[0].domain, "i.test");
  EXPECT_NE(e[0].data["error"].get<std::string>().find("certificate has expired"),
            std::string::npos);

  EXPECT_TRUE(p.feed("2026-11-23 00:44:43 DEBUG    STS: Client disconnected").empty());
}

TEST(RecipientDomain, IsTheLowercasedPartAfterTheLastAt) {
  EXPECT_EQ(recipient_domain("U@A.Test"), "a.test");
  EXPECT_EQ(recipient_domain("\"a@b\"@c.test"), "c.test");
  EXPECT_EQ(recipient_domain("postmaster"), "");
}

}  // namespace
}  // namespace stslab::harness::adapters
