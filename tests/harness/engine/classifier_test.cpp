// The classifier against hand-made journal slices: each outcome from the evidence that proves
// it, and no outcome where there is no proof.
#include "stslab/harness/classifier.hpp"

#include <gtest/gtest.h>

namespace stslab::harness {
namespace {

using core::Event;
using core::Source;
using nlohmann::json;

class ClassifierTest : public ::testing::Test {
 protected:
  core::LabClock clock;
  core::Journal journal{clock};
  const std::string rcpt = "m1@case.rfc8461-5.test";

  void add(Source s, const std::string& kind, const std::string& host, json data) {
    journal.append(s, kind, "case.rfc8461-5.test", host, std::move(data));
  }
  void tls(int session, const std::string& profile, const std::string& cert_host) {
    add(Source::smtp, "smtp.tls", "mx1.case.rfc8461-5.test",
        {{"session", session},
         {"ok", true},
         {"version", "TLSv1.3"},
         {"cert_profile", profile},
         {"cert_host", cert_host}});
  }
  void stored(int session, bool over_tls, const std::string& who) {
    add(Source::smtp, "smtp.message", "mx1.case.rfc8461-5.test",
        {{"session", session},
         {"rcpts", json::array({who})},
         {"tls", over_tls},
         {"tls_version", over_tls ? json("TLSv1.3") : json(nullptr)}});
  }
  Classification run(std::uint64_t after = 0) { return classify(journal.all(), rcpt, after); }
};

TEST_F(ClassifierTest, ValidCertificateIsDeliveredTls) {
  tls(7, "valid", "mx1.case.rfc8461-5.test");
  stored(7, true, rcpt);
  const auto c = run();
  ASSERT_TRUE(c.outcome);
  EXPECT_EQ(*c.outcome, Outcome::delivered_tls);
  EXPECT_NE(c.reason.find("TLSv1.3"), std::string::npos);
  EXPECT_EQ(c.evidence_seqs.size(), 2u);
}

TEST_F(ClassifierTest, RecipientMatchIsCaseInsensitive) {
  tls(7, "wildcard", "mx1.case.rfc8461-5.test");
  stored(7, true, "M1@Case.RFC8461-5.test");
  ASSERT_TRUE(run().outcome);
  EXPECT_EQ(*run().outcome, Outcome::delivered_tls);
}

TEST_F(ClassifierTest, ExpiredCertificateIsUntrustedTls) {
  tls(3, "expired", "mx1.case.rfc8461-5.test");
  stored(3, true, rcpt);
  EXPECT_EQ(*run().outcome, Outcome::delivered_untrusted_tls);
}

TEST_F(ClassifierTest, CertificateForAnotherHostIsUntrusted) {
  tls(3, "valid", "mx9.elsewhere.test");
  stored(3, true, rcpt);
  EXPECT_EQ(*run().outcome, Outcome::delivered_untrusted_tls);
}

TEST_F(ClassifierTest, NoTlsIsPlaintext) {
  stored(4, false, rcpt);
  EXPECT_EQ(*run().outcome, Outcome::delivered_plaintext);
}

TEST_F(ClassifierTest, DataInsideTheAttackersTlsIsUntrustedEvenIfTheMxSawValidTls) {
  add(Source::mitm, "mitm.client_command", "mx1.case.rfc8461-5.test",
      {{"session", 11}, {"line", "RCPT TO:<" + rcpt + ">"}, {"phase", "intercepted-tls"}});
  add(Source::mitm, "mitm.intercepted_mail", "mx1.case.rfc8461-5.test",
      {{"session", 11}, {"command", "DATA"}});
  tls(5, "valid", "mx1.case.rfc8461-5.test");  // the proxy's own upstream session
  stored(5, true, rcpt);
  EXPECT_EQ(*run().outcome, Outcome::delivered_untrusted_tls);
}

TEST_F(ClassifierTest, DeferralIsWithheldWithTheSendersReason) {
  add(Source::mta, "mta.delivery", "",
      {{"recipient", rcpt}, {"status", "deferred"}, {"reason", "TLS is required"}});
  const auto c = run();
  ASSERT_TRUE(c.outcome);
  EXPECT_EQ(*c.outcome, Outcome::withheld);
  EXPECT_NE(c.reason.find("TLS is required"), std::string::npos);
}

TEST_F(ClassifierTest, DeliveryWinsOverAnEarlierDeferral) {
  add(Source::mta, "mta.delivery", "", {{"recipient", rcpt}, {"status", "deferred"}});
  tls(8, "valid", "mx1.case.rfc8461-5.test");
  stored(8, true, rcpt);
  EXPECT_EQ(*run().outcome, Outcome::delivered_tls);
}

TEST_F(ClassifierTest, NothingSeenIsNoOutcome) {
  add(Source::dns, "dns.query", "127.0.0.53", {{"qname", "case.rfc8461-5.test"}});
  const auto c = run();
  EXPECT_FALSE(c.outcome);
  EXPECT_FALSE(c.reason.empty());
}

TEST_F(ClassifierTest, SentInTheLogButNotReceivedIsNoOutcome) {
  add(Source::mta, "mta.delivery", "", {{"recipient", rcpt}, {"status", "sent"}});
  EXPECT_FALSE(run().outcome);
}

TEST_F(ClassifierTest, OtherRecipientsAndEarlierEventsDoNotCount) {
  stored(1, false, rcpt);  // before the submission: ignored
  const auto after = journal.last_seq();
  stored(2, false, "m2@case.rfc8461-5.test");
  EXPECT_FALSE(run(after).outcome);
}

TEST(Settles, OnlyTheRecipientsOwnEvents) {
  core::Event e;
  e.kind = "smtp.message";
  e.data = {{"rcpts", {"a@x.test"}}};
  EXPECT_TRUE(settles(e, "A@x.test"));
  EXPECT_FALSE(settles(e, "b@x.test"));
  e.kind = "mta.delivery";
  e.data = {{"recipient", "b@x.test"}, {"status", "deferred"}};
  EXPECT_TRUE(settles(e, "b@x.test"));
  e.kind = "dns.query";
  EXPECT_FALSE(settles(e, "b@x.test"));
}

}  // namespace
}  // namespace stslab::harness
