#include "stslab/mitm/smtp_text.hpp"

#include <gtest/gtest.h>

namespace stslab::mitm {
namespace {

Reply reply_of(std::vector<std::string> lines) {
  return Reply{std::move(lines)};
}

// Every line but the last must read "ddd-", the last "ddd ".
void expect_well_formed(const Reply& r) {
  ASSERT_FALSE(r.lines.empty());
  for (std::size_t i = 0; i < r.lines.size(); ++i) {
    ASSERT_GE(r.lines[i].size(), 4u) << r.lines[i];
    EXPECT_EQ(r.lines[i][3], i + 1 < r.lines.size() ? '-' : ' ')
        << "line " << i << ": " << r.lines[i];
  }
}

TEST(SmtpText, ParsesCommandsCaseInsensitively) {
  auto c = parse_command("mail from:<a@b.test> SIZE=10");
  EXPECT_EQ(c.verb, "MAIL");
  EXPECT_EQ(c.argument, "from:<a@b.test> SIZE=10");
  EXPECT_TRUE(c.is_mail_from());
  EXPECT_FALSE(c.is_rcpt_to());
  EXPECT_TRUE(parse_command("StartTLS").is("STARTTLS"));
  EXPECT_TRUE(parse_command("helo x").is_hello());
  EXPECT_FALSE(parse_command("MAIL TO:<x@y>").is_mail_from());
  EXPECT_EQ(parse_command("").verb, "");
}

TEST(SmtpText, RecipientDomainIsLowerCasedAndIgnoresParameters) {
  EXPECT_EQ(recipient_domain(parse_command("RCPT TO:<User@Sub.A.Test> NOTIFY=NEVER")),
            "sub.a.test");
  EXPECT_EQ(recipient_domain(parse_command("rcpt to: <u@b.test>")), "b.test");
  EXPECT_EQ(recipient_domain(parse_command("RCPT TO:u@c.test")), "c.test");
  EXPECT_EQ(recipient_domain(parse_command("RCPT TO:<postmaster>")), "");
  EXPECT_EQ(recipient_domain(parse_command("MAIL FROM:<u@c.test>")), "");
}

TEST(SmtpText, BdatSizeAcceptsOnlyDigits) {
  EXPECT_EQ(bdat_size(parse_command("BDAT 120 LAST")), 120u);
  EXPECT_EQ(bdat_size(parse_command("bdat 0")), 0u);
  EXPECT_FALSE(bdat_size(parse_command("BDAT x LAST")));
  EXPECT_FALSE(bdat_size(parse_command("BDAT -1")));
  EXPECT_FALSE(bdat_size(parse_command("BDAT 99999999999999999999999")));
  EXPECT_FALSE(bdat_size(parse_command("DATA 12")));
}

TEST(SmtpText, ReplyCodeAndContinuation) {
  EXPECT_EQ(reply_of({"250-a", "250 b"}).code(), 250);
  EXPECT_EQ(reply_of({"garbage"}).code(), 0);
  EXPECT_EQ(reply_of({}).code(), 0);
  EXPECT_TRUE(is_continuation_line("250-PIPELINING"));
  EXPECT_FALSE(is_continuation_line("250 PIPELINING"));
  EXPECT_FALSE(is_continuation_line("250"));
  EXPECT_FALSE(is_continuation_line("xyz-abc"));  // garbage ends a reply: no stall
  EXPECT_EQ(reply_of({"250-a", "250 b"}).text(), "250-a\r\n250 b\r\n");
}

TEST(EhloRewrite, RemovesStarttlsFromTheMiddle) {
  auto r = reply_of({"250-mx1.a.test hello", "250-PIPELINING", "250-STARTTLS", "250 8BITMIME"});
  EXPECT_TRUE(strip_ehlo_keyword(r, "STARTTLS"));
  EXPECT_EQ(r.lines,
            (std::vector<std::string>{"250-mx1.a.test hello", "250-PIPELINING", "250 8BITMIME"}));
  expect_well_formed(r);
}

TEST(EhloRewrite, RemovingTheLastLineMovesTheFinalMarker) {
  auto r = reply_of({"250-mx1.a.test", "250-SIZE 1000", "250 STARTTLS"});
  EXPECT_TRUE(strip_ehlo_keyword(r, "starttls"));
  EXPECT_EQ(r.lines, (std::vector<std::string>{"250-mx1.a.test", "250 SIZE 1000"}));
  expect_well_formed(r);
}

TEST(EhloRewrite, OnlyExtensionLeavesTheGreetingAlone) {
  auto r = reply_of({"250-mx1.a.test greets you", "250 StartTLS  "});
  EXPECT_TRUE(strip_ehlo_keyword(r, "STARTTLS"));
  EXPECT_EQ(r.lines, (std::vector<std::string>{"250 mx1.a.test greets you"}));
}

TEST(EhloRewrite, NeverRemovesTheGreetingAndIgnoresLookalikes) {
  auto r = reply_of({"250-STARTTLS", "250-STARTTLSX", "250 X-STARTTLS"});
  EXPECT_FALSE(strip_ehlo_keyword(r, "STARTTLS"));
  EXPECT_EQ(r.lines.size(), 3u);
}

TEST(EhloRewrite, RemovesDuplicatesAndFixesMalformedMarkers) {
  auto r = reply_of({"250 mx", "250 STARTTLS", "250-SIZE", "250-STARTTLS", "250-8BITMIME"});
  EXPECT_TRUE(strip_ehlo_keyword(r, "STARTTLS"));
  EXPECT_EQ(r.lines, (std::vector<std::string>{"250-mx", "250-SIZE", "250 8BITMIME"}));
}

TEST(EhloRewrite, LeavesErrorRepliesAlone) {
  auto r = reply_of({"550-no", "550 STARTTLS"});
  EXPECT_FALSE(strip_ehlo_keyword(r, "STARTTLS"));
  EXPECT_EQ(r.lines.size(), 2u);
  auto single = reply_of({"250 mx"});
  EXPECT_FALSE(strip_ehlo_keyword(single, "STARTTLS"));
}

TEST(EhloRewrite, DetectsOfferedKeywords) {
  auto r = reply_of({"250-mx", "250-starttls", "250 SIZE 10"});
  EXPECT_TRUE(ehlo_offers(r, "STARTTLS"));
  EXPECT_TRUE(ehlo_offers(r, "size"));
  EXPECT_FALSE(ehlo_offers(r, "CHUNKING"));
  EXPECT_FALSE(ehlo_offers(reply_of({"250 STARTTLS"}), "STARTTLS"));  // greeting only
}

TEST(DataEnd, FindsTerminatorInOneChunk) {
  DataEndScanner s;
  std::string body = "Subject: x\r\n\r\nhello\r\n.\r\nQUIT\r\n";
  auto end = s.feed(body);
  ASSERT_TRUE(end);
  EXPECT_EQ(body.substr(*end), "QUIT\r\n");
  EXPECT_TRUE(s.done());
}

TEST(DataEnd, EmptyBodyEndsAtOnce) {
  DataEndScanner s;
  EXPECT_EQ(s.feed(".\r\n"), 3u);
}

TEST(DataEnd, DotStuffedLinesAndBareDotsDoNotEnd) {
  DataEndScanner s;
  EXPECT_FALSE(s.feed("a\r\n..\r\n.x\r\nb.\r\n\n.\r\n\r.\r\n"));
  EXPECT_FALSE(s.done());
  EXPECT_EQ(s.feed("\r\n.\r\n"), 5u);
}

TEST(DataEnd, FindsTerminatorSplitAtEveryByte) {
  const std::string body = "line one\r\n.. stuffed\r\nend\r\n.\r\nNEXT";
  DataEndScanner s;
  std::optional<std::size_t> found;
  std::size_t at = 0;
  for (std::size_t i = 0; i < body.size() && !found; ++i) {
    if (auto e = s.feed(body.substr(i, 1))) {
      found = e;
      at = i;
    }
  }
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, 1u);
  EXPECT_EQ(body.substr(at + 1), "NEXT");
}

}  // namespace
}  // namespace stslab::mitm
