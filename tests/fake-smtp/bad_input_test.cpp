// Hostile and broken clients: each case is followed by a good delivery on the same server, to
// show the fake keeps serving.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "fixture.hpp"
#include "stslab/core/tls.hpp"

namespace stslab::smtp::testing {
namespace {

using ::testing::HasSubstr;

class BadInputTest : public SmtpServerFixture {
 protected:
  void SetUp() override {
    ep = start_one("127.0.0.40", [](Vhost& v) {
      v.limits.max_errors = 5;
      v.limits.max_message_size = 4096;
      v.caps.size = 4096;
    });
  }
  tcp::endpoint ep;
};

TEST_F(BadInputTest, OverlongLineGets500AndTheSessionRecovers) {
  TestClient c(ep);
  c.read_reply();
  c.send("EHLO " + std::string(20000, 'x') + "\r\n");
  auto r = c.read_reply();
  EXPECT_EQ(r.code, 500);
  EXPECT_EQ(r.lines[0], "5.5.2 Line too long");
  EXPECT_EQ(c.command("EHLO client.test").code, 250);  // the rest of the long line is gone
  EXPECT_EQ(c.command("QUIT").code, 221);
  auto cmd =
      wait_event("smtp.command", [](const core::Event& e) { return e.data.contains("overlong"); });
  EXPECT_EQ(cmd.data["line"].get<std::string>().size(), 128u);
  deliver_ok(ep);
}

TEST_F(BadInputTest, TooManyErrorsGets421AndClose) {
  TestClient c(ep);
  c.read_reply();
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(c.command("WHAT").code, 500);
  EXPECT_EQ(c.command("WHAT").code, 500);
  auto r = c.read_reply();
  EXPECT_EQ(r.code, 421);
  EXPECT_THAT(r.lines[0], HasSubstr("too many errors"));
  EXPECT_EQ(c.read_until_closed(), "");
  EXPECT_EQ(wait_close_of(c).data["how"], "too_many_errors");
  deliver_ok(ep);
}

TEST_F(BadInputTest, OversizedMessageGets552AfterItsEnd) {
  TestClient c(ep);
  c.read_reply();
  c.command("EHLO client.test");
  EXPECT_EQ(c.command("MAIL FROM:<s@client.test> SIZE=999999").code, 552);  // declared
  EXPECT_EQ(c.command("MAIL FROM:<s@client.test>").code, 250);
  c.command("RCPT TO:<r@a.test>");
  EXPECT_EQ(c.command("DATA").code, 354);
  const std::string line(998, 'z');
  for (int i = 0; i < 1000; ++i)
    c.send(line + "\r\n");  // ~1 MB against a 4 KiB cap
  auto r = c.command(".");
  EXPECT_EQ(r.code, 552);
  EXPECT_EQ(r.lines[0], "5.3.4 Message too big for system");
  EXPECT_EQ(c.command("NOOP").code, 250);
  auto refused = wait_event("smtp.message.refused");
  EXPECT_EQ(refused.data["reason"], "too_big");
  EXPECT_EQ(refused.data["size"], 1000u * 1000u);
  EXPECT_TRUE(server->messages().empty());
  deliver_ok(ep);
}

TEST_F(BadInputTest, PlaintextPipelinedBehindStartTlsIsDiscarded) {
  TestClient c(ep);
  c.read_reply();
  c.command("EHLO client.test");
  const std::string injected = "MAIL FROM:<evil@attacker.test>\r\nRCPT TO:<victim@a.test>\r\n";
  c.send("STARTTLS\r\n" + injected);  // one write: arrives with the STARTTLS line
  EXPECT_EQ(c.read_reply().code, 220);
  auto ctx = core::make_client_context(pki.root_ca_pem(), "mx1.a.test");
  ASSERT_EQ(c.start_tls(*ctx), "");
  auto discarded = wait_event("smtp.discarded_plaintext");
  EXPECT_EQ(discarded.data["bytes"], injected.size());
  c.command("EHLO client.test");
  // Had the injected MAIL been executed, this RCPT would be accepted.
  EXPECT_EQ(c.command("RCPT TO:<victim@a.test>").code, 503);
  core::EventFilter f;
  f.kind = "smtp.command";
  for (const auto& e : journal.query(f)) {
    EXPECT_THAT(e.data["line"].get<std::string>(), ::testing::Not(HasSubstr("evil")));
  }
  c.command("QUIT");
  deliver_ok(ep);
}

TEST_F(BadInputTest, BareLfEndsCommandsButNotData) {
  TestClient c(ep);
  c.read_reply();
  c.send("EHLO client.test\nMAIL FROM:<s@client.test>\nRCPT TO:<r@a.test>\nDATA\n");
  EXPECT_EQ(c.read_reply().code, 250);
  EXPECT_EQ(c.read_reply().code, 250);
  EXPECT_EQ(c.read_reply().code, 250);
  EXPECT_EQ(c.read_reply().code, 354);
  c.send("line1\n.\nline2\r\n");  // "\n.\n" must not end the message (smuggling)
  auto r = c.command(".");
  EXPECT_EQ(r.code, 250);
  c.command("QUIT");
  wait_event("smtp.message");
  EXPECT_EQ(server->messages().at(0).data, "line1\n.\nline2\r\n");
  auto cmd =
      wait_event("smtp.command", [](const core::Event& e) { return e.data.contains("bare_lf"); });
  EXPECT_EQ(cmd.data["line"], "EHLO client.test");
  deliver_ok(ep);
}

TEST_F(BadInputTest, NulBytesInACommandGet500) {
  TestClient c(ep);
  c.read_reply();
  c.send(std::string("EHLO a\0b\r\n", 10));
  EXPECT_EQ(c.read_reply().code, 500);
  EXPECT_EQ(c.command("EHLO client.test").code, 250);
  c.command("QUIT");
  auto cmd = wait_event("smtp.command");
  EXPECT_EQ(cmd.data["line"], "EHLO a\\x00b");
  // The journal stays serialisable.
  std::ostringstream out;
  EXPECT_NO_THROW(journal.write_jsonl(out));
  deliver_ok(ep);
}

TEST_F(BadInputTest, BinaryGarbageNeverBreaksTheServer) {
  std::mt19937 rng(42);
  std::string garbage(64 * 1024, '\0');
  for (auto& ch : garbage)
    ch = static_cast<char>(rng());
  TestClient c(ep);
  c.read_reply();
  try {
    c.send(garbage);
  } catch (const std::exception&) {
    // The server may hang up (too many errors) before taking it all.
  }
  try {
    c.read_until_closed();
  } catch (const std::exception&) {
  }
  auto close = wait_close_of(c);
  EXPECT_THAT(close.data["how"].get<std::string>(),
              ::testing::AnyOf("too_many_errors", "client_closed"));
  std::ostringstream out;
  EXPECT_NO_THROW(journal.write_jsonl(out));
  deliver_ok(ep);
}

TEST_F(BadInputTest, ClientClosingMidDataLeavesNoMessage) {
  {
    TestClient c(ep);
    c.read_reply();
    c.command("EHLO client.test");
    c.command("MAIL FROM:<s@client.test>");
    c.command("RCPT TO:<r@a.test>");
    c.command("DATA");
    c.send("Subject: half\r\n\r\nand then");
    c.close();
    // The session ends by itself; find its close event through its open event.
  }
  auto close = wait_event("smtp.session.close");
  EXPECT_EQ(close.data["how"], "client_closed");
  EXPECT_EQ(close.data["last_state"], "data");
  EXPECT_TRUE(server->messages().empty());
  deliver_ok(ep);
}

TEST_F(BadInputTest, GarbageInsteadOfATlsHandshake) {
  TestClient c(ep);
  c.read_reply();
  c.command("EHLO client.test");
  EXPECT_EQ(c.command("STARTTLS").code, 220);
  c.send("\x99\x99 this is not TLS\r\n");
  c.read_until_closed();
  auto tls = wait_event("smtp.tls");
  EXPECT_EQ(tls.data["ok"], false);
  EXPECT_FALSE(tls.data["error"].get<std::string>().empty());
  EXPECT_EQ(wait_close_of(c).data["how"], "tls_failed");
  deliver_ok(ep);
}

TEST_F(BadInputTest, StalledHandshakeHitsTheDeadline) {
  SmtpServer::Options o;
  o.vhosts.push_back(make_vhost("mx5.e.test", "127.0.0.41"));
  o.io_timeout = std::chrono::milliseconds(300);
  SmtpServer slow(io.io(), journal, pki, o);
  const auto slow_ep = slow.start().at(0);
  TestClient c(slow_ep);
  c.read_reply();
  c.command("EHLO client.test");
  EXPECT_EQ(c.command("STARTTLS").code, 220);
  c.send(std::string("\x16\x03\x01\x02\x00", 5));  // a record header, then nothing
  c.read_until_closed();
  auto tls = wait_event("smtp.tls");
  EXPECT_EQ(tls.data["ok"], false);
  EXPECT_EQ(tls.data["error"], "handshake deadline passed");
  slow.stop();
  deliver_ok(ep);
}

TEST_F(BadInputTest, ClientVanishingDuringTheHandshake) {
  {
    TestClient c(ep);
    c.read_reply();
    c.command("EHLO client.test");
    EXPECT_EQ(c.command("STARTTLS").code, 220);
    c.close();
  }
  auto tls = wait_event("smtp.tls");
  EXPECT_EQ(tls.data["ok"], false);
  deliver_ok(ep);
}

TEST_F(BadInputTest, IdleClientIsTimedOut) {
  server->set_limits("mx1.a.test", {.max_message_size = 4096,
                                    .max_errors = 5,
                                    .max_recipients = 100,
                                    .idle_timeout = std::chrono::milliseconds(200)});
  TestClient c(ep);
  c.read_reply();
  c.send("EHLO half a command");  // no CRLF: still idle as far as the dialogue goes
  auto r = c.read_reply();
  EXPECT_EQ(r.code, 421);
  EXPECT_EQ(wait_close_of(c).data["how"], "timeout");
  deliver_ok(ep);
}

}  // namespace
}  // namespace stslab::smtp::testing
