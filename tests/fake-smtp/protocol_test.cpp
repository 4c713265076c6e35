#include "stslab/smtp/protocol.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace stslab::smtp {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<int> codes(const Outputs& out) {
  std::vector<int> v;
  for (const auto& o : out) {
    if (const auto* r = std::get_if<Reply>(&o)) v.push_back(r->code);
  }
  return v;
}

std::vector<Reply> replies(const Outputs& out) {
  std::vector<Reply> v;
  for (const auto& o : out) {
    if (const auto* r = std::get_if<Reply>(&o)) v.push_back(*r);
  }
  return v;
}

template <class T>
std::vector<T> all(const Outputs& out) {
  std::vector<T> v;
  for (const auto& o : out) {
    if (const auto* t = std::get_if<T>(&o)) v.push_back(*t);
  }
  return v;
}

class ProtocolTest : public ::testing::Test {
 protected:
  ProtocolTest() { vhost.name = "mx1.a.test"; }

  // A protocol for the current `vhost`, banner consumed.
  SmtpProtocol& start(bool tls_available = true) {
    protocol =
        std::make_unique<SmtpProtocol>(std::make_shared<const Vhost>(vhost), 7, tls_available);
    banner = protocol->greet();
    return *protocol;
  }
  // Feeds a line (CRLF added) and returns the reply codes.
  std::vector<int> say(const std::string& line) { return codes(protocol->feed(line + "\r\n")); }
  void greet_and_envelope() {
    start();
    ASSERT_THAT(say("EHLO client.test"), ElementsAre(250));
    ASSERT_THAT(say("MAIL FROM:<s@client.test>"), ElementsAre(250));
    ASSERT_THAT(say("RCPT TO:<r@a.test>"), ElementsAre(250));
  }

  Vhost vhost;
  std::unique_ptr<SmtpProtocol> protocol;
  Outputs banner;
};

TEST_F(ProtocolTest, BannerNamesTheVhost) {
  start();
  ASSERT_EQ(replies(banner).size(), 1u);
  EXPECT_EQ(replies(banner)[0].wire(), "220 mx1.a.test ESMTP stslab\r\n");
  vhost.banner_text = "mx1.a.test Custom greeting";
  start();
  EXPECT_EQ(replies(banner)[0].wire(), "220 mx1.a.test Custom greeting\r\n");
  EXPECT_EQ(protocol->state(), State::connected);
}

TEST_F(ProtocolTest, EhloAdvertisesTheConfiguredCapabilities) {
  start();
  auto r = replies(protocol->feed("EHLO client.test\r\n"));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_THAT(r[0].lines, ElementsAre("mx1.a.test", "PIPELINING", "SIZE 10485760", "STARTTLS",
                                      "ENHANCEDSTATUSCODES", "8BITMIME"));
  EXPECT_EQ(r[0].wire().substr(0, 15), "250-mx1.a.test\r");
  EXPECT_TRUE(protocol->starttls_offered());
  EXPECT_EQ(protocol->helo(), "client.test");

  vhost.caps = {.starttls = false,
                .size = std::nullopt,
                .pipelining = false,
                .eight_bit_mime = false,
                .enhanced_status_codes = false,
                .smtputf8 = true,
                .chunking = true,
                .extra = {"DSN"}};
  start();
  r = replies(protocol->feed("EHLO client.test\r\n"));
  EXPECT_THAT(r[0].lines, ElementsAre("mx1.a.test", "SMTPUTF8", "CHUNKING", "DSN"));
  EXPECT_FALSE(protocol->starttls_offered());
}

TEST_F(ProtocolTest, HeloGivesAPlainGreeting) {
  start();
  auto r = replies(protocol->feed("HELO client.test\r\n"));
  EXPECT_EQ(r[0].wire(), "250 mx1.a.test\r\n");
  // Without EHLO there are no ESMTP parameters.
  EXPECT_THAT(say("MAIL FROM:<a@b.test> SIZE=10"), ElementsAre(555));
  EXPECT_THAT(say("MAIL FROM:<a@b.test>"), ElementsAre(250));
}

TEST_F(ProtocolTest, FullTransactionYieldsTheMessageAndTheQueueId) {
  start();
  say("EHLO client.test");
  EXPECT_THAT(say("MAIL FROM:<s@client.test> SIZE=100 BODY=8BITMIME"), ElementsAre(250));
  EXPECT_THAT(say("RCPT TO:<r1@a.test>"), ElementsAre(250));
  EXPECT_THAT(say("RCPT TO:<r2@b.test>"), ElementsAre(250));
  EXPECT_EQ(protocol->state(), State::rcpt);
  auto r = replies(protocol->feed("DATA\r\n"));
  EXPECT_EQ(r[0].wire(), "354 End data with <CR><LF>.<CR><LF>\r\n");
  EXPECT_EQ(protocol->state(), State::data);
  auto out = protocol->feed("Subject: hi\r\n\r\n..dot\r\n.\r\n");
  auto msgs = all<AcceptedMessage>(out);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].mail_from, "s@client.test");
  EXPECT_THAT(msgs[0].mail_params, ElementsAre("SIZE=100", "BODY=8BITMIME"));
  EXPECT_THAT(msgs[0].rcpts, ElementsAre("r1@a.test", "r2@b.test"));
  EXPECT_EQ(msgs[0].data, "Subject: hi\r\n\r\n.dot\r\n");
  EXPECT_EQ(msgs[0].helo, "client.test");
  EXPECT_EQ(msgs[0].queue_id, "7.1");
  EXPECT_EQ(replies(out).at(0).wire(), "250 2.0.0 Ok: queued as 7.1\r\n");
  EXPECT_EQ(protocol->state(), State::greeted);
  EXPECT_EQ(protocol->recipient_domain(), "a.test");

  // The next transaction starts clean.
  EXPECT_THAT(say("RCPT TO:<x@a.test>"), ElementsAre(503));
  EXPECT_THAT(say("MAIL FROM:<>"), ElementsAre(250));  // null reverse-path
  say("RCPT TO:<postmaster>");
  say("DATA");
  out = protocol->feed(".\r\n");
  ASSERT_EQ(all<AcceptedMessage>(out).size(), 1u);
  EXPECT_EQ(all<AcceptedMessage>(out)[0].queue_id, "7.2");
  EXPECT_EQ(all<AcceptedMessage>(out)[0].mail_from, "");
}

TEST_F(ProtocolTest, PipelinedCommandsAreAnsweredInOrder) {
  start();
  auto out = protocol->feed(
      "EHLO c.test\r\nMAIL FROM:<s@c.test>\r\nRCPT TO:<a@a.test>\r\nRCPT TO:<bad>\r\n"
      "RCPT TO:<b@a.test>\r\nDATA\r\nbody\r\n.\r\nQUIT\r\nNOOP\r\n");
  EXPECT_THAT(codes(out), ElementsAre(250, 250, 250, 501, 250, 354, 250, 221));
  ASSERT_EQ(all<AcceptedMessage>(out).size(), 1u);
  EXPECT_THAT(all<AcceptedMessage>(out)[0].rcpts, ElementsAre("a@a.test", "b@a.test"));
  ASSERT_EQ(all<Close>(out).size(), 1u);
  EXPECT_EQ(all<Close>(out)[0].how, CloseReason::quit);
  EXPECT_EQ(all<Command>(out).size(), 7u);  // data lines are no commands; NOOP after QUIT unread
}

TEST_F(ProtocolTest, CommandsSplitAcrossFeedsAreReassembled) {
  start();
  EXPECT_THAT(codes(protocol->feed("EH")), IsEmpty());
  EXPECT_THAT(codes(protocol->feed("LO c.test\r")), IsEmpty());
  EXPECT_THAT(codes(protocol->feed("\nNOOP\r\n")), ElementsAre(250, 250));
}

TEST_F(ProtocolTest, SequenceErrorsAre503) {
  start();
  EXPECT_THAT(say("MAIL FROM:<a@b.test>"), ElementsAre(503));
  EXPECT_THAT(say("RCPT TO:<a@b.test>"), ElementsAre(503));
  EXPECT_THAT(say("DATA"), ElementsAre(503));
  say("EHLO c.test");
  EXPECT_THAT(say("RCPT TO:<a@b.test>"), ElementsAre(503));
  EXPECT_THAT(say("MAIL FROM:<a@b.test>"), ElementsAre(250));
  EXPECT_THAT(say("MAIL FROM:<a@b.test>"), ElementsAre(503));  // nested
  EXPECT_THAT(say("DATA"), ElementsAre(554));                  // no valid recipients
  EXPECT_THAT(say("RSET"), ElementsAre(250));
  EXPECT_EQ(protocol->state(), State::greeted);
  EXPECT_THAT(say("RCPT TO:<a@b.test>"), ElementsAre(503));
  EXPECT_EQ(protocol->errors(), 6);
}

TEST_F(ProtocolTest, SyntaxErrorsAre501And555) {
  vhost.limits.max_errors = 100;
  start();
  EXPECT_THAT(say("EHLO"), ElementsAre(501));
  say("EHLO c.test");
  EXPECT_THAT(say("MAIL FROM:a@b.test"), ElementsAre(501));
  EXPECT_THAT(say("MAIL TO:<a@b.test>"), ElementsAre(501));
  EXPECT_THAT(say("MAIL FROM:<a@b.test"), ElementsAre(501));
  EXPECT_THAT(say("MAIL FROM:<nodomain>"), ElementsAre(501));
  EXPECT_THAT(say("MAIL FROM:<a@b.test> SIZE=abc"), ElementsAre(501));
  EXPECT_THAT(say("MAIL FROM:<a@b.test> XFOO=1"), ElementsAre(555));
  EXPECT_THAT(say("MAIL FROM:<a@b.test> BODY=BINARYMIME"), ElementsAre(555));
  EXPECT_THAT(say("MAIL FROM:<a@b.test> SMTPUTF8"), ElementsAre(555));  // not advertised
  EXPECT_THAT(say("mail from: <a@b.test>"), ElementsAre(250));          // case and blank are fine
  EXPECT_THAT(say("RCPT TO:<>"), ElementsAre(501));
  EXPECT_THAT(say("RCPT TO:<a@b.test> NOTIFY=NEVER"), ElementsAre(555));
  EXPECT_THAT(say("RCPT TO:<@relay.test:a@b.test>"), ElementsAre(250));  // source route dropped
  EXPECT_THAT(say("DATA now"), ElementsAre(501));
  EXPECT_THAT(say("RSET all"), ElementsAre(501));
  EXPECT_THAT(say("VRFY"), ElementsAre(501));
}

TEST_F(ProtocolTest, UnknownAndUnimplementedCommands) {
  start();
  EXPECT_THAT(say("FOO bar"), ElementsAre(500));
  EXPECT_THAT(say("HELP"), ElementsAre(502));
  EXPECT_THAT(say("EXPN list"), ElementsAre(502));
  EXPECT_THAT(say("VRFY someone"), ElementsAre(252));
  EXPECT_THAT(say("NOOP anything"), ElementsAre(250));
  EXPECT_THAT(say("BDAT 10 LAST"), ElementsAre(502));  // CHUNKING not advertised
  EXPECT_THAT(say(""), ElementsAre(500));
}

TEST_F(ProtocolTest, StartTlsResetsTheSessionAndStopsAdvertisingIt) {
  start();
  EXPECT_THAT(say("STARTTLS"), ElementsAre(503));  // EHLO first
  say("EHLO c.test");
  EXPECT_THAT(say("STARTTLS now"), ElementsAre(501));
  auto out = protocol->feed("STARTTLS\r\n");
  EXPECT_EQ(replies(out).at(0).wire(), "220 2.0.0 Ready to start TLS\r\n");
  ASSERT_EQ(all<StartTls>(out).size(), 1u);
  EXPECT_EQ(all<StartTls>(out)[0].discarded_bytes, 0u);
  EXPECT_EQ(protocol->state(), State::tls_pending);

  protocol->tls_started();
  EXPECT_TRUE(protocol->tls());
  EXPECT_EQ(protocol->state(), State::connected);
  EXPECT_EQ(protocol->helo(), "");
  EXPECT_THAT(say("MAIL FROM:<a@b.test>"), ElementsAre(503));  // RFC 3207: EHLO again
  auto r = replies(protocol->feed("EHLO c.test\r\n"));
  EXPECT_THAT(r[0].lines, ::testing::Not(::testing::Contains("STARTTLS")));
  EXPECT_THAT(say("STARTTLS"), ElementsAre(503));  // already active
}

TEST_F(ProtocolTest, PlaintextPipelinedBehindStartTlsIsDiscarded) {
  start();
  say("EHLO c.test");
  const std::string injected = "MAIL FROM:<evil@x.test>\r\nRCPT TO:<a@a.test>\r\n";
  auto out = protocol->feed("STARTTLS\r\n" + injected);
  EXPECT_THAT(codes(out), ElementsAre(220));
  ASSERT_EQ(all<StartTls>(out).size(), 1u);
  EXPECT_EQ(all<StartTls>(out)[0].discarded_bytes, injected.size());
  EXPECT_EQ(all<Command>(out).size(), 1u);
  protocol->tls_started();
  // The injected MAIL never took effect.
  say("EHLO c.test");
  EXPECT_THAT(say("RCPT TO:<a@a.test>"), ElementsAre(503));
}

TEST_F(ProtocolTest, StartTlsDuringATransactionIsRefused) {
  greet_and_envelope();
  EXPECT_THAT(say("STARTTLS"), ElementsAre(503));
}

TEST_F(ProtocolTest, StartTlsOffGives502OrTheConfiguredReply) {
  vhost.caps.starttls = false;
  start();
  say("EHLO c.test");
  EXPECT_THAT(say("STARTTLS"), ElementsAre(502));
  vhost.replies.push_back({Stage::starttls, 454, "4.7.0 TLS not available"});
  start();
  say("EHLO c.test");
  auto r = replies(protocol->feed("STARTTLS\r\n"));
  EXPECT_EQ(r.at(0).wire(), "454 4.7.0 TLS not available\r\n");
  EXPECT_EQ(protocol->state(), State::greeted);
  EXPECT_EQ(protocol->errors(), 0);
}

TEST_F(ProtocolTest, StartTlsWithoutUsableCertificateGives454) {
  start(/*tls_available=*/false);
  say("EHLO c.test");
  EXPECT_THAT(say("STARTTLS"), ElementsAre(454));
  EXPECT_EQ(protocol->state(), State::greeted);
}

TEST_F(ProtocolTest, ConfiguredBannerRefusalLeavesOnlyQuit) {
  vhost.replies.push_back({Stage::banner, 554, "5.3.2 No service here"});
  start();
  EXPECT_EQ(replies(banner).at(0).wire(), "554 5.3.2 No service here\r\n");
  EXPECT_EQ(protocol->state(), State::rejected);
  EXPECT_THAT(say("EHLO c.test"), ElementsAre(503));
  EXPECT_THAT(say("QUIT"), ElementsAre(221));
  EXPECT_EQ(protocol->state(), State::closed);
}

TEST_F(ProtocolTest, ConfiguredBanner421Closes) {
  vhost.replies.push_back({Stage::banner, 421, "4.3.2 Busy"});
  start();
  EXPECT_THAT(codes(banner), ElementsAre(421));
  ASSERT_EQ(all<Close>(banner).size(), 1u);
  EXPECT_EQ(all<Close>(banner)[0].how, CloseReason::refused);
}

TEST_F(ProtocolTest, ConfiguredEhloMailAndDataReplies) {
  vhost.replies = {{Stage::ehlo, 550, "5.7.1 Go away"}};
  start();
  EXPECT_THAT(say("EHLO c.test"), ElementsAre(550));
  EXPECT_EQ(protocol->state(), State::connected);

  vhost.replies = {{Stage::mail, 451, "4.3.0 Sender check failed"}};
  start();
  say("EHLO c.test");
  EXPECT_THAT(say("MAIL FROM:<a@b.test>"), ElementsAre(451));
  EXPECT_EQ(protocol->state(), State::greeted);

  vhost.replies = {{Stage::data, 452, "4.3.1 Out of space"}};
  greet_and_envelope();
  EXPECT_THAT(say("DATA"), ElementsAre(452));
  EXPECT_EQ(protocol->state(), State::rcpt);
  EXPECT_EQ(protocol->errors(), 0);  // the server's own choice is no client error
}

TEST_F(ProtocolTest, ConfiguredRcptReplyCanTargetOneDomain) {
  vhost.replies = {{Stage::rcpt, 451, "4.7.1 try later", "@b.test"}};
  start();
  say("EHLO c.test");
  say("MAIL FROM:<s@c.test>");
  auto r = replies(protocol->feed("RCPT TO:<x@B.TEST>\r\n"));
  EXPECT_EQ(r.at(0).wire(), "451 4.7.1 try later\r\n");
  EXPECT_THAT(say("RCPT TO:<y@a.test>"), ElementsAre(250));
  EXPECT_EQ(protocol->recipient_domain(), "b.test");  // known even though refused
}

TEST_F(ProtocolTest, ConfiguredSuccessReplyLetsTheDialogueProceed) {
  vhost.replies = {{Stage::rcpt, 250, "2.1.5 Fine by me"},
                   {Stage::ehlo, 250, "mx1.a.test greets you\nSTARTTLS"}};
  start();
  auto r = replies(protocol->feed("EHLO c.test\r\n"));
  EXPECT_EQ(r.at(0).wire(), "250-mx1.a.test greets you\r\n250 STARTTLS\r\n");
  EXPECT_TRUE(protocol->starttls_offered());
  say("MAIL FROM:<s@c.test>");
  r = replies(protocol->feed("RCPT TO:<a@a.test>\r\n"));
  EXPECT_EQ(r.at(0).wire(), "250 2.1.5 Fine by me\r\n");
  EXPECT_EQ(protocol->state(), State::rcpt);
}

TEST_F(ProtocolTest, ConfiguredEndOfDataRefusalKeepsNoMessage) {
  vhost.replies = {{Stage::end_of_data, 451, "4.7.1 greylisted", "TO:<r@a.test>"}};
  greet_and_envelope();
  say("DATA");
  auto out = protocol->feed("hello\r\n.\r\n");
  EXPECT_THAT(codes(out), ElementsAre(451));
  EXPECT_THAT(all<AcceptedMessage>(out), IsEmpty());
  ASSERT_EQ(all<RefusedMessage>(out).size(), 1u);
  EXPECT_EQ(all<RefusedMessage>(out)[0].reason, "configured");
  EXPECT_EQ(all<RefusedMessage>(out)[0].size, 7u);
  EXPECT_EQ(protocol->state(), State::greeted);
}

TEST_F(ProtocolTest, ConfiguredCloseFlagEndsTheSession) {
  vhost.replies = {{Stage::mail, 554, "5.7.1 Bye", "", true}};
  start();
  say("EHLO c.test");
  auto out = protocol->feed("MAIL FROM:<a@b.test>\r\nNOOP\r\n");
  EXPECT_THAT(codes(out), ElementsAre(554));
  ASSERT_EQ(all<Close>(out).size(), 1u);
  EXPECT_EQ(protocol->state(), State::closed);
}

TEST_F(ProtocolTest, TooManyErrorsGives421AndCloses) {
  vhost.limits.max_errors = 3;
  start();
  EXPECT_THAT(say("BOGUS"), ElementsAre(500));
  EXPECT_THAT(say("BOGUS"), ElementsAre(500));
  auto out = protocol->feed("BOGUS\r\nNOOP\r\n");
  EXPECT_THAT(codes(out), ElementsAre(500, 421));
  ASSERT_EQ(all<Close>(out).size(), 1u);
  EXPECT_EQ(all<Close>(out)[0].how, CloseReason::too_many_errors);
  EXPECT_THAT(replies(out)[1].text(), HasSubstr("too many errors"));
}

TEST_F(ProtocolTest, IdleTimeoutAndShutdownGive421) {
  start();
  auto out = protocol->idle_timeout();
  EXPECT_EQ(replies(out).at(0).wire(), "421 4.4.2 mx1.a.test Error: timeout exceeded\r\n");
  EXPECT_EQ(all<Close>(out).at(0).how, CloseReason::timeout);
  EXPECT_THAT(protocol->idle_timeout(), IsEmpty());  // closed already
  start();
  out = protocol->shutdown();
  EXPECT_THAT(codes(out), ElementsAre(421));
  EXPECT_EQ(all<Close>(out).at(0).how, CloseReason::server_stop);
}

TEST_F(ProtocolTest, DeclaredSizeOverTheLimitIsRefusedAtMail) {
  vhost.limits.max_message_size = 1000;
  start();
  say("EHLO c.test");
  EXPECT_THAT(say("MAIL FROM:<a@b.test> SIZE=1001"), ElementsAre(552));
  EXPECT_THAT(say("MAIL FROM:<a@b.test> SIZE=1000"), ElementsAre(250));
}

TEST_F(ProtocolTest, OversizedMessageIsRefusedAfterTheData) {
  vhost.limits.max_message_size = 100;
  greet_and_envelope();
  say("DATA");
  auto out = protocol->feed(std::string(50, 'x') + "\r\n");
  EXPECT_THAT(codes(out), IsEmpty());  // keep reading until the end
  for (int i = 0; i < 100; ++i)
    protocol->feed(std::string(998, 'y') + "\r\n");
  out = protocol->feed(".\r\nNOOP\r\n");
  EXPECT_THAT(codes(out), ElementsAre(552, 250));
  ASSERT_EQ(all<RefusedMessage>(out).size(), 1u);
  EXPECT_EQ(all<RefusedMessage>(out)[0].reason, "too_big");
  EXPECT_EQ(all<RefusedMessage>(out)[0].size, 52u + 100u * 1000u);
  EXPECT_THAT(all<AcceptedMessage>(out), IsEmpty());
}

TEST_F(ProtocolTest, TooManyRecipientsGives452) {
  vhost.limits.max_recipients = 2;
  greet_and_envelope();
  EXPECT_THAT(say("RCPT TO:<r2@a.test>"), ElementsAre(250));
  EXPECT_THAT(say("RCPT TO:<r3@a.test>"), ElementsAre(452));
}

TEST_F(ProtocolTest, LineOverTheLimitIs500AndTheSessionRecovers) {
  start();
  say("EHLO c.test");
  // 998 octets + CRLF = 1000: the longest legal line.
  EXPECT_THAT(say("NOOP " + std::string(993, 'a')), ElementsAre(250));
  auto out = protocol->feed("NOOP " + std::string(994, 'a') + "\r\nNOOP\r\n");
  EXPECT_THAT(codes(out), ElementsAre(500, 250));
  EXPECT_EQ(replies(out)[0].wire(), "500 5.5.2 Line too long\r\n");
  auto cmds = all<Command>(out);
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_TRUE(cmds[0].overlong);
  EXPECT_EQ(cmds[0].line.size(), 128u);

  // A huge line arriving in pieces: nothing until its end, then one 500, and no buffering.
  EXPECT_THAT(codes(protocol->feed("MAIL FROM:<" + std::string(5000, 'b'))), IsEmpty());
  for (int i = 0; i < 100; ++i)
    protocol->feed(std::string(10000, 'c'));
  EXPECT_THAT(codes(protocol->feed("@x.test>\r\nMAIL FROM:<a@b.test>\r\n")), ElementsAre(500, 250));
}

TEST_F(ProtocolTest, BareLfEndsACommandLineAndIsNoted) {
  start();
  auto out = protocol->feed("EHLO c.test\nNOOP\r\n");
  EXPECT_THAT(codes(out), ElementsAre(250, 250));
  auto cmds = all<Command>(out);
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_TRUE(cmds[0].bare_lf);
  EXPECT_FALSE(cmds[1].bare_lf);
}

TEST_F(ProtocolTest, ControlOctetsInACommandAre500AndJournalSafe) {
  start();
  auto out = protocol->feed(std::string("EHLO c\0.test\r\n", 14));
  EXPECT_THAT(codes(out), ElementsAre(500));
  EXPECT_EQ(all<Command>(out).at(0).line, "EHLO c\\x00.test");
  out = protocol->feed("\xff\xfe\x80garbage\r\n");
  EXPECT_THAT(codes(out), ElementsAre(500));
  EXPECT_EQ(all<Command>(out).at(0).line, "\\xff\\xfe\\x80garbage");
  out = protocol->feed("NOOP caf\xc3\xa9\r\n");  // valid UTF-8 is kept
  EXPECT_EQ(all<Command>(out).at(0).line, "NOOP caf\xc3\xa9");
}

TEST_F(ProtocolTest, AuthPayloadIsRedacted) {
  start();
  auto out = protocol->feed("AUTH PLAIN AHVzZXIAc2VjcmV0\r\n");
  EXPECT_EQ(all<Command>(out).at(0).line, "AUTH PLAIN [redacted]");
  EXPECT_THAT(codes(out), ElementsAre(502));
}

TEST_F(ProtocolTest, EnhancedCodesFollowTheCapability) {
  vhost.caps.enhanced_status_codes = false;
  start();
  auto out = protocol->feed("NOOP\r\nFOO\r\n");
  EXPECT_EQ(replies(out)[0].wire(), "250 Ok\r\n");
  EXPECT_EQ(replies(out)[1].wire(), "500 Command not recognized\r\n");
}

TEST_F(ProtocolTest, BdatChunksMakeOneMessage) {
  vhost.caps.chunking = true;
  greet_and_envelope();
  auto out = protocol->feed("BDAT 7\r\nhello\r\nBDAT 6 LAST\r\nworld.");
  EXPECT_THAT(codes(out), ElementsAre(250, 250));
  auto msgs = all<AcceptedMessage>(out);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].data, "hello\r\nworld.");  // no dot handling in BDAT
  EXPECT_TRUE(msgs[0].chunked);
  EXPECT_EQ(protocol->state(), State::greeted);
}

TEST_F(ProtocolTest, BdatOutOfSequenceIsReadThenRefused) {
  vhost.caps.chunking = true;
  start();
  say("EHLO c.test");
  // The 5 octets "NOOP\n" are chunk data, not a command.
  auto out = protocol->feed("BDAT 5 LAST\r\nNOOP\nNOOP\r\n");
  EXPECT_THAT(codes(out), ElementsAre(503, 250));
  EXPECT_EQ(all<Command>(out).size(), 2u);
  EXPECT_THAT(say("BDAT x"), ElementsAre(501));
}

}  // namespace
}  // namespace stslab::smtp
