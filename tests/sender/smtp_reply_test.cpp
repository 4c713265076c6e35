// SMTP reply parsing, the STARTTLS injection rule and DATA encoding.
#include "stslab/sender/smtp_reply.hpp"

#include <gtest/gtest.h>

namespace stslab::sender {
namespace {

TEST(SmtpReply, SingleAndMultiLine) {
  std::string buf = "250-mx.a.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n220 next";
  SmtpReply r;
  ASSERT_EQ(take_reply(buf, r), ReplyStatus::complete);
  EXPECT_EQ(r.code, 250);
  EXPECT_EQ(r.lines.size(), 3u);
  EXPECT_TRUE(ehlo_offers(r, "starttls"));
  EXPECT_FALSE(ehlo_offers(r, "CHUNKING"));
  EXPECT_EQ(buf, "220 next");
  EXPECT_EQ(take_reply(buf, r), ReplyStatus::incomplete);
}

TEST(SmtpReply, GreetingLineIsNotAnExtension) {
  std::string buf = "250 STARTTLS\r\n";
  SmtpReply r;
  ASSERT_EQ(take_reply(buf, r), ReplyStatus::complete);
  EXPECT_FALSE(ehlo_offers(r, "STARTTLS"));
}

TEST(SmtpReply, Malformed) {
  SmtpReply r;
  std::string a = "hello\r\n";
  EXPECT_EQ(take_reply(a, r), ReplyStatus::malformed);
  std::string b = "250-a\r\n354 b\r\n";
  EXPECT_EQ(take_reply(b, r), ReplyStatus::malformed);
  std::string c(70000, 'x');
  EXPECT_EQ(take_reply(c, r), ReplyStatus::malformed);
  std::string d;
  for (int i = 0; i < 500; ++i)
    d += "250-x\r\n";
  EXPECT_EQ(take_reply(d, r), ReplyStatus::malformed);
}

TEST(SmtpReply, PlaintextAfterStarttlsIsDropped) {  // RFC 3207 §4.2
  std::string pending = "250 injected\r\n";
  forget_plaintext_after_starttls(pending, {});
  EXPECT_TRUE(pending.empty());
}

TEST(SmtpReply, DefectKeepInjectedPlaintext) {
  std::string pending = "250 injected\r\n";
  forget_plaintext_after_starttls(pending, {Defect::keep_injected_plaintext});
  EXPECT_EQ(pending, "250 injected\r\n");
}

TEST(SmtpReply, DataPayload) {
  EXPECT_EQ(data_payload("a\n.b\r\nc"), "a\r\n..b\r\nc\r\n.\r\n");
  EXPECT_EQ(data_payload(""), ".\r\n");
  EXPECT_EQ(data_payload(".\n"), "..\r\n.\r\n");
}

}  // namespace
}  // namespace stslab::sender
