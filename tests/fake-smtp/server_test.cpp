// The server over real sockets, driven by the blocking TestClient.
#include "stslab/smtp/server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "fixture.hpp"
#include "stslab/core/tls.hpp"

namespace stslab::smtp::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class ServerTest : public SmtpServerFixture {
 protected:
  // The names in the certificate the server showed.
  static std::vector<std::string> peer_names(TestClient& c) {
    core::X509Ptr cert(SSL_get1_peer_certificate(c.ssl()));
    if (!cert) return {};
    return core::subject_alt_names(cert.get());
  }
};

TEST_F(ServerTest, PlaintextDeliveryIsStoredAndJournaled) {
  const auto ep = start_one("127.0.0.11");
  TestClient c(ep);
  EXPECT_EQ(c.read_reply().lines[0], "mx1.a.test ESMTP stslab");
  auto ehlo = c.command("EHLO client.test");
  EXPECT_TRUE(ehlo.has_line("STARTTLS"));
  EXPECT_EQ(c.command("MAIL FROM:<sender@client.test>").code, 250);
  EXPECT_EQ(c.command("RCPT TO:<one@a.test>").code, 250);
  EXPECT_EQ(c.command("RCPT TO:<two@b.test>").code, 250);
  EXPECT_EQ(c.command("DATA").code, 354);
  const std::string body = "Subject: test\r\n\r\n..stuffed\r\nline\r\n";
  auto done = c.command(body + ".");
  EXPECT_EQ(done.code, 250);
  EXPECT_EQ(c.command("QUIT").code, 221);

  const auto close = wait_close_of(c);
  EXPECT_EQ(close.data["how"], "quit");
  EXPECT_EQ(close.data["starttls_offered"], true);
  EXPECT_EQ(close.data["starttls_used"], false);
  EXPECT_EQ(close.host, "mx1.a.test");
  EXPECT_EQ(close.domain, "a.test");
  const auto session = close.data["session"];

  auto msgs = server->messages();
  ASSERT_EQ(msgs.size(), 1u);
  const auto& m = msgs[0];
  EXPECT_EQ(m.data, "Subject: test\r\n\r\n.stuffed\r\nline\r\n");
  EXPECT_EQ(m.sha256, sha256_hex(m.data));
  EXPECT_EQ(m.mail_from, "sender@client.test");
  EXPECT_THAT(m.rcpts, ElementsAre("one@a.test", "two@b.test"));
  EXPECT_EQ(m.vhost, "mx1.a.test");
  EXPECT_EQ(m.helo, "client.test");
  EXPECT_FALSE(m.tls);
  EXPECT_EQ(m.session, session.get<std::uint64_t>());
  EXPECT_EQ(m.local, ep);
  EXPECT_EQ(m.peer, c.local_endpoint());
  EXPECT_THAT(done.lines[0], HasSubstr(m.queue_id));

  // The journal tells the same story, stitched by session id.
  core::EventFilter f;
  f.kind = "smtp.";
  std::vector<std::string> kinds;
  for (const auto& e : journal.query(f)) {
    if (e.data["session"] != session) continue;
    kinds.push_back(e.kind);
    EXPECT_EQ(e.source, core::Source::smtp);
    EXPECT_EQ(e.host, "mx1.a.test");
  }
  EXPECT_EQ(kinds.front(), "smtp.session.open");
  EXPECT_EQ(kinds.back(), "smtp.session.close");
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "smtp.command"), 6);  // data is no command
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "smtp.reply"), 8);    // with the banner
  auto ev = wait_event("smtp.message");
  EXPECT_EQ(ev.data["sha256"], m.sha256);
  EXPECT_EQ(ev.data["size"], m.data.size());
  EXPECT_EQ(ev.data["tls"], false);
  EXPECT_EQ(ev.data["rcpts"], nlohmann::json({"one@a.test", "two@b.test"}));
  EXPECT_EQ(ev.domain, "a.test");
  EXPECT_EQ(ev.seq, m.journal_seq);
  auto first_cmd = wait_event("smtp.command");
  EXPECT_EQ(first_cmd.data["line"], "EHLO client.test");
  EXPECT_EQ(first_cmd.data["tls"], false);
  EXPECT_EQ(first_cmd.domain, "mx1.a.test");  // no recipient known yet
  auto open = wait_event("smtp.session.open");
  EXPECT_EQ(open.data["local"], "127.0.0.11:" + std::to_string(ep.port()));
}

TEST_F(ServerTest, StartTlsDeliveryRecordsTheTlsFacts) {
  const auto ep = start_one("127.0.0.12");
  TestClient c(ep);
  c.read_reply();
  c.command("EHLO client.test");
  EXPECT_EQ(c.command("STARTTLS").code, 220);
  auto ctx = core::make_client_context(pki.root_ca_pem(), "mx1.a.test");
  ASSERT_EQ(c.start_tls(*ctx, "mx1.a.test"), "");
  auto ehlo = c.command("EHLO client.test");
  EXPECT_EQ(ehlo.code, 250);
  EXPECT_FALSE(ehlo.has_line("STARTTLS"));
  auto m = [&] {
    EXPECT_EQ(c.command("MAIL FROM:<s@client.test>").code, 250);
    EXPECT_EQ(c.command("RCPT TO:<r@a.test>").code, 250);
    EXPECT_EQ(c.command("DATA").code, 354);
    EXPECT_EQ(c.command("hello\r\n.").code, 250);
    EXPECT_EQ(c.command("QUIT").code, 221);
    wait_event("smtp.message");
    return server->messages().at(0);
  }();
  EXPECT_TRUE(m.tls);
  EXPECT_EQ(m.tls_version, "TLSv1.3");
  EXPECT_EQ(m.sni, "mx1.a.test");

  auto tls = wait_event("smtp.tls");
  EXPECT_EQ(tls.data["ok"], true);
  EXPECT_EQ(tls.data["version"], "TLSv1.3");
  EXPECT_EQ(tls.data["sni"], "mx1.a.test");
  EXPECT_EQ(tls.data["cert_profile"], "valid");
  EXPECT_EQ(tls.data["cert_host"], "mx1.a.test");
  EXPECT_TRUE(tls.data["error"].is_null());
  EXPECT_FALSE(tls.data["cipher"].get<std::string>().empty());
  auto close = wait_close_of(c);
  EXPECT_EQ(close.data["starttls_used"], true);
  auto msg_ev = wait_event("smtp.message");
  EXPECT_EQ(msg_ev.data["tls_version"], "TLSv1.3");
  // Commands after the handshake are marked as sent over TLS.
  auto quit =
      wait_event("smtp.command", [](const core::Event& e) { return e.data["line"] == "QUIT"; });
  EXPECT_EQ(quit.data["tls"], true);
}

TEST_F(ServerTest, CertificateIsTheVhostsWhateverTheSni) {
  const auto ep = start_one("127.0.0.13");
  for (const std::string sni : {"other.example", ""}) {
    TestClient c(ep);
    c.read_reply();
    c.command("EHLO client.test");
    EXPECT_EQ(c.command("STARTTLS").code, 220);
    auto ctx = core::make_client_context("", "");
    ASSERT_EQ(c.start_tls(*ctx, sni), "");
    EXPECT_THAT(peer_names(c), ElementsAre("mx1.a.test")) << "sni=" << sni;
    EXPECT_EQ(c.command("QUIT").code, 221);
    auto close = wait_close_of(c);
    auto tls = wait_event("smtp.tls", [&](const core::Event& e) {
      return e.data["session"] == close.data["session"];
    });
    if (sni.empty()) {
      EXPECT_TRUE(tls.data["sni"].is_null());
    } else {
      EXPECT_EQ(tls.data["sni"], sni);
    }
  }
}

TEST_F(ServerTest, TlsVersionBoundsApply) {
  const auto ep = start_one("127.0.0.14", [](Vhost& v) {
    v.tls = {core::TlsVersion::tls1_2, core::TlsVersion::tls1_2};
    v.cert.key_type = core::KeyType::ecdsa_p256;
  });
  TestClient c(ep);
  c.read_reply();
  c.command("EHLO client.test");
  c.command("STARTTLS");
  auto ctx = core::make_client_context(pki.root_ca_pem(), "mx1.a.test");
  ASSERT_EQ(c.start_tls(*ctx), "");
  EXPECT_STREQ(SSL_get_version(c.ssl()), "TLSv1.2");
  c.command("QUIT");
  EXPECT_EQ(wait_event("smtp.tls").data["version"], "TLSv1.2");
}

TEST_F(ServerTest, ClientRejectingTheCertificateIsJournaledWithItsAlert) {
  const auto ep =
      start_one("127.0.0.15", [](Vhost& v) { v.cert.profile = core::CertProfile::expired; });
  TestClient c(ep);
  c.read_reply();
  c.command("EHLO client.test");
  c.command("STARTTLS");
  auto ctx = core::make_client_context(pki.root_ca_pem(), "mx1.a.test");
  EXPECT_NE(c.start_tls(*ctx), "");
  auto tls = wait_event("smtp.tls");
  EXPECT_EQ(tls.data["ok"], false);
  EXPECT_EQ(tls.data["cert_profile"], "expired");
  EXPECT_THAT(tls.data["alert"].get<std::string>(), HasSubstr("expired"));
  EXPECT_THAT(tls.data["error"].get<std::string>(), HasSubstr("alert"));
  auto close = wait_close_of(c);
  EXPECT_EQ(close.data["how"], "tls_failed");
  EXPECT_EQ(close.data["starttls_used"], false);
}

TEST_F(ServerTest, VhostIsChosenByTheLocalAddress) {
  SmtpServer::Options o;
  o.vhosts.push_back(make_vhost("mx1.a.test", "127.0.0.21"));
  o.vhosts.push_back(make_vhost("mx2.b.test", "127.0.0.22"));
  o.vhosts.back().banner_text = "mx2.b.test second banner";
  o.default_vhost = make_vhost("default.test", "127.0.0.23");
  start(std::move(o));
  const auto ep1 = server->endpoints("mx1.a.test").at(0);
  const auto ep2 = server->endpoints("mx2.b.test").at(0);
  const auto ep3 = server->endpoints("default.test").at(0);
  EXPECT_EQ(ep1.address().to_string(), "127.0.0.21");
  EXPECT_EQ(ep2.address().to_string(), "127.0.0.22");
  EXPECT_EQ(server->endpoints().size(), 3u);

  auto banner_and_names = [&](const tcp::endpoint& ep) {
    TestClient c(ep);
    auto banner = c.read_reply().lines.at(0);
    c.command("EHLO client.test");
    c.command("STARTTLS");
    auto ctx = core::make_client_context("", "");
    EXPECT_EQ(c.start_tls(*ctx), "");  // no SNI at all
    auto names = peer_names(c);
    c.command("QUIT");
    return std::make_pair(banner, names);
  };
  auto [b1, n1] = banner_and_names(ep1);
  auto [b2, n2] = banner_and_names(ep2);
  auto [b3, n3] = banner_and_names(ep3);
  EXPECT_EQ(b1, "mx1.a.test ESMTP stslab");
  EXPECT_EQ(b2, "mx2.b.test second banner");
  EXPECT_EQ(b3, "default.test ESMTP stslab");
  EXPECT_THAT(n1, ElementsAre("mx1.a.test"));
  EXPECT_THAT(n2, ElementsAre("mx2.b.test"));
  EXPECT_THAT(n3, ElementsAre("default.test"));
}

TEST_F(ServerTest, StartTlsOffIsNotAdvertisedAndRefused) {
  const auto ep = start_one("127.0.0.16", [](Vhost& v) { v.caps.starttls = false; });
  {
    TestClient c(ep);
    c.read_reply();
    EXPECT_FALSE(c.command("EHLO client.test").has_line("STARTTLS"));
    EXPECT_EQ(c.command("STARTTLS").code, 502);
    EXPECT_EQ(c.command("QUIT").code, 221);
    EXPECT_EQ(wait_close_of(c).data["starttls_offered"], false);
  }
  server->add_reply("mx1.a.test", {Stage::starttls, 454, "4.7.0 TLS not available"});
  TestClient c(ep);
  c.read_reply();
  c.command("EHLO client.test");
  auto r = c.command("STARTTLS");
  EXPECT_EQ(r.code, 454);
  EXPECT_EQ(r.lines[0], "4.7.0 TLS not available");
  EXPECT_EQ(c.command("NOOP").code, 250);  // still talking in plaintext
}

TEST_F(ServerTest, RunTimeChangesApplyToNewSessions) {
  const auto ep = start_one("127.0.0.17");
  TestClient before(ep);
  before.read_reply();
  before.command("EHLO client.test");
  before.command("MAIL FROM:<s@client.test>");

  // Changed from this thread while the io thread serves `before`.
  server->add_reply("mx1.a.test", {Stage::rcpt, 451, "4.7.1 try later"});
  server->update_vhost("mx1.a.test", [](Vhost& v) { v.banner_text = "changed banner"; });
  EXPECT_EQ(server->vhost("mx1.a.test").replies.size(), 1u);

  EXPECT_EQ(before.command("RCPT TO:<r@a.test>").code, 250);  // its snapshot
  TestClient after(ep);
  EXPECT_EQ(after.read_reply().lines[0], "changed banner");
  after.command("EHLO client.test");
  after.command("MAIL FROM:<s@client.test>");
  auto r = after.command("RCPT TO:<r@a.test>");
  EXPECT_EQ(r.code, 451);
  EXPECT_EQ(r.lines[0], "4.7.1 try later");

  server->clear_replies("mx1.a.test");
  TestClient cleared(ep);
  cleared.read_reply();
  cleared.command("EHLO client.test");
  cleared.command("MAIL FROM:<s@client.test>");
  EXPECT_EQ(cleared.command("RCPT TO:<r@a.test>").code, 250);
  EXPECT_THROW(server->update_vhost("nope.test", [](Vhost&) {}), std::invalid_argument);
}

TEST_F(ServerTest, VhostsCanBeAddedAndRemovedWhileRunning) {
  start_one("127.0.0.18");
  auto eps = server->add_vhost(make_vhost("mx9.c.test", "127.0.0.19"));
  ASSERT_EQ(eps.size(), 1u);
  EXPECT_THAT(server->vhost_names(), ElementsAre("mx1.a.test", "mx9.c.test"));
  {
    TestClient c(eps[0]);
    EXPECT_EQ(c.read_reply().lines[0], "mx9.c.test ESMTP stslab");
  }
  EXPECT_THROW(server->add_vhost(make_vhost("mx9.c.test", "127.0.0.19")), std::invalid_argument);
  server->remove_vhost("mx9.c.test");
  // The listener closes on the io thread; connecting must fail once it has.
  bool refused = false;
  for (int i = 0; i < 200 && !refused; ++i) {
    try {
      TestClient c(eps[0]);
      c.read_reply();
    } catch (const std::exception&) {
      refused = true;
    }
  }
  EXPECT_TRUE(refused);
}

TEST_F(ServerTest, StopSays421ToOpenSessionsAndClosesListeners) {
  const auto ep = start_one("127.0.0.20");
  TestClient c(ep);
  c.read_reply();
  c.command("EHLO client.test");
  wait_event("smtp.command");
  server->stop();
  auto r = c.read_reply();
  EXPECT_EQ(r.code, 421);
  EXPECT_THAT(r.lines[0], HasSubstr("4.3.2"));
  EXPECT_EQ(c.read_until_closed(), "");
  EXPECT_EQ(wait_close_of(c).data["how"], "server_stop");
  EXPECT_THROW(
      {
        // The acceptor is closed on the io thread; by the time the session ended it is.
        TestClient late(ep);
        late.read_reply();
      },
      std::exception);
  EXPECT_EQ(server->active_sessions(), 0u);
}

TEST_F(ServerTest, IdleClientGets421AfterTheTimeout) {
  const auto ep = start_one(
      "127.0.0.24", [](Vhost& v) { v.limits.idle_timeout = std::chrono::milliseconds(300); });
  TestClient c(ep);
  c.read_reply();
  c.command("EHLO client.test");
  const auto t0 = std::chrono::steady_clock::now();
  auto r = c.read_reply(std::chrono::seconds(5));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(250));
  EXPECT_EQ(r.code, 421);
  EXPECT_THAT(r.lines[0], HasSubstr("4.4.2"));
  c.read_until_closed();
  auto close = wait_close_of(c);
  EXPECT_EQ(close.data["how"], "timeout");
  EXPECT_EQ(close.data["last_state"], "greeted");
  deliver_ok(ep);
}

TEST_F(ServerTest, ManyConcurrentSessionsEachGetTheirMessageThrough) {
  const auto ep = start_one("127.0.0.25");
  // Three more threads run the same io_context: sessions must be safe on their strands.
  std::vector<std::thread> extra;
  for (int i = 0; i < 3; ++i)
    extra.emplace_back([this] { io.io().run(); });
  struct Joiner {
    stslab::testing::IoThread& io;
    std::vector<std::thread>& threads;
    ~Joiner() {
      io.stop();  // stops the io_context, so the extra run() calls return
      for (auto& t : threads)
        t.join();
    }
  } joiner{io, extra};
  constexpr int kClients = 200;
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < kClients; ++i)
    clients.push_back(std::make_unique<TestClient>(ep));
  // Every step on every client before the next step: all sessions are open at once.
  for (auto& c : clients)
    ASSERT_EQ(c->read_reply().code, 220);
  for (auto& c : clients)
    c->send("EHLO client.test\r\nMAIL FROM:<s@client.test>\r\n");
  for (int i = 0; i < kClients; ++i) {
    clients[i]->send("RCPT TO:<r" + std::to_string(i) + "@a.test>\r\nDATA\r\n");
  }
  EXPECT_EQ(server->active_sessions(), static_cast<std::size_t>(kClients));
  for (auto& c : clients) {
    EXPECT_EQ(c->read_reply().code, 250);
    EXPECT_EQ(c->read_reply().code, 250);
    EXPECT_EQ(c->read_reply().code, 250);
    EXPECT_EQ(c->read_reply().code, 354);
  }
  for (int i = 0; i < kClients; ++i) {
    EXPECT_EQ(clients[i]->command("n=" + std::to_string(i) + "\r\n.").code, 250);
    EXPECT_EQ(clients[i]->command("QUIT").code, 221);
  }
  auto msgs = server->messages();
  ASSERT_EQ(msgs.size(), static_cast<std::size_t>(kClients));
  std::set<std::uint64_t> sessions;
  std::set<std::string> bodies;
  for (const auto& m : msgs) {
    sessions.insert(m.session);
    bodies.insert(m.data);
    EXPECT_EQ(m.data, "n=" + m.rcpts.at(0).substr(1, m.rcpts[0].find('@') - 1) + "\r\n");
  }
  EXPECT_EQ(sessions.size(), static_cast<std::size_t>(kClients));
  EXPECT_EQ(bodies.size(), static_cast<std::size_t>(kClients));
}

TEST_F(ServerTest, SessionIdsAreUniqueAcrossServers) {
  const auto ep1 = start_one("127.0.0.26");
  SmtpServer::Options o;
  o.vhosts.push_back(make_vhost("mx2.b.test", "127.0.0.27"));
  SmtpServer second(io.io(), journal, pki, o);
  const auto ep2 = second.start().at(0);
  std::set<nlohmann::json> ids;
  for (int i = 0; i < 3; ++i) {
    for (const auto& ep : {ep1, ep2}) {
      TestClient c(ep);
      c.read_reply();
      c.command("QUIT");
      ids.insert(wait_close_of(c).data["session"]);
    }
  }
  EXPECT_EQ(ids.size(), 6u);
  second.stop();
}

TEST_F(ServerTest, StoredMessagesCanBeQueriedAndCleared) {
  const auto ep = start_one("127.0.0.28");
  auto m1 = deliver_ok(ep, "x@a.test");
  auto m2 = deliver_ok(ep, "y@sub.b.test");
  EXPECT_EQ(m1.id + 1, m2.id);
  ASSERT_TRUE(server->message(m2.id));
  EXPECT_EQ(server->message(m2.id)->rcpts.at(0), "y@sub.b.test");
  EXPECT_FALSE(server->message(999));
  EXPECT_EQ(server->messages_for("b.test").size(), 1u);
  EXPECT_EQ(server->messages_for("a.test").size(), 1u);
  EXPECT_EQ(server->messages_for("c.test").size(), 0u);
  server->clear_messages();
  EXPECT_TRUE(server->messages().empty());
}

TEST_F(ServerTest, CertificateIsMintedAgainWhenTheLabClockMoves) {
  SmtpServer::Options o;
  o.vhosts.push_back(make_vhost("mx1.a.test", "127.0.0.29"));
  o.clock = &clock;
  const auto ep = start(std::move(o));
  auto not_before = [&] {
    TestClient c(ep);
    c.read_reply();
    c.command("EHLO client.test");
    c.command("STARTTLS");
    auto ctx = core::make_client_context("", "");
    EXPECT_EQ(c.start_tls(*ctx), "");
    core::X509Ptr cert(SSL_get1_peer_certificate(c.ssl()));
    int days = 0, secs = 0;
    ASN1_TIME_diff(&days, &secs, nullptr, X509_get0_notBefore(cert.get()));
    c.command("QUIT");
    return days;
  };
  const int before = not_before();
  EXPECT_EQ(not_before(), before);  // cached while the clock stands
  clock.advance(std::chrono::hours(24 * 400));
  EXPECT_GE(not_before() - before, 399);
}

TEST_F(ServerTest, BrokenCertificateMakesStartTlsAnswer454) {
  core::Credential broken;
  broken.host = "mx1.a.test";
  broken.chain_pem = "not a certificate";
  broken.key_pem = "not a key";
  const auto ep = start_one("127.0.0.30", [&](Vhost& v) { v.cert.credential = broken; });
  TestClient c(ep);
  c.read_reply();
  EXPECT_TRUE(c.command("EHLO client.test").has_line("STARTTLS"));
  EXPECT_EQ(c.command("STARTTLS").code, 454);
  EXPECT_FALSE(wait_event("smtp.tls.unavailable").data["error"].get<std::string>().empty());
  deliver_ok(ep);
}

}  // namespace
}  // namespace stslab::smtp::testing
