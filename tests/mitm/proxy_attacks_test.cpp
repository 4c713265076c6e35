// Each attack against the fake MX, seen by real clients (swaks, openssl) and by a raw client
// that shows the bytes a real MTA would hide.
#include <gmock/gmock.h>

#include "proxy_fixture.hpp"
#include "stslab/core/tls.hpp"

namespace stslab::mitm::testing {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::vector<std::string> lines_of(const std::string& reply) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < reply.size()) {
    auto end = reply.find("\r\n", start);
    lines.push_back(reply.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

bool mentions_starttls(const std::string& reply) {
  return reply.find("STARTTLS") != std::string::npos;
}

bool any_line_starts_with(const std::vector<std::string>& lines, const std::string& prefix) {
  for (const auto& l : lines) {
    if (l.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

#define REQUIRE_PROGRAM(name) \
  if (!stslab::testing::have_program(name)) GTEST_SKIP() << name " is not installed"

TEST_F(ProxyTest, PassDeliversOverTlsEndToEndWithSwaks) {
  REQUIRE_PROGRAM("swaks");
  start_proxy("pass");
  auto result = swaks({"--tls"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;

  auto close = wait_close();
  EXPECT_EQ(close.data["tls_passthrough"], true);
  EXPECT_EQ(close.data["client_sent_mail"], false) << "MAIL FROM went inside TLS, unreadable";
  EXPECT_EQ(close.host, kMx);
  auto passthrough = mitm_events("mitm.passthrough");
  ASSERT_EQ(passthrough.size(), 1u);
  EXPECT_EQ(passthrough[0].data["client_handshake"], "completed");
  EXPECT_EQ(passthrough[0].data["client"]["first"], "tls-handshake");
  EXPECT_TRUE(mitm_events("mitm.plaintext_mail").empty());
  EXPECT_TRUE(mitm_events("mitm.attack").empty());

  auto messages = mx_->messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_TRUE(messages[0].tls);
  EXPECT_EQ(messages[0].rcpts, std::vector<std::string>{"u@a.test"});
}

TEST_F(ProxyTest, PassJournalsPlaintextCommandsAndTheRecipientDomain) {
  start_proxy("pass");
  LineClient client(proxy_endpoint());
  EXPECT_THAT(client.read_reply(), StartsWith("220"));
  EXPECT_THAT(client.command("EHLO client.test"), HasSubstr("STARTTLS"));
  // Pipelined, as a PIPELINING client would send them.
  client.send("MAIL FROM:<s@b.test>\r\nRCPT TO:<u@A.Test>\r\nDATA\r\n");
  EXPECT_THAT(client.read_reply(), StartsWith("250"));
  EXPECT_THAT(client.read_reply(), StartsWith("250"));
  EXPECT_THAT(client.read_reply(), StartsWith("354"));
  EXPECT_THAT(client.command("Subject: hi\r\n\r\n..dot-stuffed\r\n."), StartsWith("250"));
  EXPECT_THAT(client.command("QUIT"), StartsWith("221"));

  auto close = wait_close();
  EXPECT_EQ(close.data["how"], "quit");
  EXPECT_EQ(close.data["client_sent_mail"], true);
  EXPECT_EQ(close.data["client_sent_data"], true);
  EXPECT_EQ(close.data["tls_passthrough"], false);
  EXPECT_EQ(close.domain, "a.test");

  auto plaintext = mitm_events("mitm.plaintext_mail");
  ASSERT_EQ(plaintext.size(), 2u);
  EXPECT_EQ(plaintext[0].data["command"], "MAIL FROM");
  EXPECT_EQ(plaintext[1].data["command"], "DATA");
  EXPECT_EQ(plaintext[1].domain, "a.test");
  std::vector<std::string> seen;
  for (const auto& e : mitm_events("mitm.client_command")) {
    EXPECT_EQ(e.data["phase"], "plaintext");
    seen.push_back(e.data["line"]);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"EHLO client.test", "MAIL FROM:<s@b.test>",
                                            "RCPT TO:<u@A.Test>", "DATA", "QUIT"}));
  ASSERT_EQ(mx_->messages().size(), 1u);
  EXPECT_EQ(mx_->messages()[0].data, "Subject: hi\r\n\r\n.dot-stuffed\r\n");
}

TEST_F(ProxyTest, BdatChunksAreRelayedExactly) {
  mx_->update_vhost(kMx, [](smtp::Vhost& v) { v.caps.chunking = true; });
  start_proxy("pass");
  LineClient client(proxy_endpoint());
  client.read_reply();
  EXPECT_THAT(client.command("EHLO client.test"), HasSubstr("CHUNKING"));
  EXPECT_THAT(client.command("MAIL FROM:<s@b.test>"), StartsWith("250"));
  EXPECT_THAT(client.command("RCPT TO:<u@a.test>"), StartsWith("250"));
  // The chunk holds what would end a DATA body and a fake command: both must pass as data.
  const std::string chunk = "Subject: x\r\n\r\n.\r\nQUIT\r\n";
  client.send("BDAT " + std::to_string(chunk.size()) + " LAST\r\n" + chunk);
  EXPECT_THAT(client.read_reply(), StartsWith("250"));
  EXPECT_THAT(client.command("QUIT"), StartsWith("221"));
  wait_close();
  ASSERT_EQ(mx_->messages().size(), 1u);
  EXPECT_TRUE(mx_->messages()[0].chunked);
  EXPECT_EQ(mx_->messages()[0].data, chunk);
  auto plaintext = mitm_events("mitm.plaintext_mail");
  ASSERT_EQ(plaintext.size(), 2u);
  EXPECT_THAT(plaintext[1].data["line"].get<std::string>(), StartsWith("BDAT"));
}

TEST_F(ProxyTest, StripStarttlsLeavesAWellFormedEhloReplyAndRefusesTheCommand) {
  // What the MX itself says, for comparison.
  std::vector<std::string> direct;
  {
    LineClient client(mx_endpoint_);
    client.read_reply();
    direct = lines_of(client.command("EHLO client.test"));
    client.command("QUIT");
  }
  ASSERT_TRUE(any_line_starts_with(direct, "250-STARTTLS") ||
              any_line_starts_with(direct, "250 STARTTLS"));

  start_proxy("strip-starttls");
  LineClient client(proxy_endpoint());
  client.read_reply();
  auto lines = lines_of(client.command("EHLO client.test"));
  ASSERT_EQ(lines.size(), direct.size() - 1);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_FALSE(mentions_starttls(lines[i]));
    EXPECT_THAT(lines[i], StartsWith(i + 1 < lines.size() ? "250-" : "250 "));
  }
  EXPECT_THAT(client.command("STARTTLS"), StartsWith("502 5.5.1"));
  EXPECT_THAT(client.command("NOOP"), StartsWith("250"));  // the session goes on
  client.command("QUIT");
  wait_close();

  EXPECT_THAT(upstream_commands(), Not(Contains("STARTTLS")));
  auto attacks = mitm_events("mitm.attack");
  ASSERT_EQ(attacks.size(), 2u);
  EXPECT_EQ(attacks[0].data["action"], "removed STARTTLS from EHLO reply");
  EXPECT_EQ(attacks[1].data["action"], "answered STARTTLS with 502");
  EXPECT_EQ(attacks[1].data["attack"], "strip-starttls");
}

TEST_F(ProxyTest, StripStarttlsLetsAnOpportunisticSwaksDeliverInPlaintext) {
  REQUIRE_PROGRAM("swaks");
  start_proxy("strip-starttls");
  auto result = swaks({});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  auto close = wait_close();
  EXPECT_EQ(close.data["plaintext_mail"], true);
  EXPECT_EQ(close.data["plaintext_data"], true);
  auto plaintext = mitm_events("mitm.plaintext_mail");
  ASSERT_EQ(plaintext.size(), 2u);
  EXPECT_EQ(plaintext[0].data["command"], "MAIL FROM");
  EXPECT_EQ(plaintext[1].data["command"], "DATA");
  ASSERT_EQ(mx_->messages().size(), 1u);
  EXPECT_FALSE(mx_->messages()[0].tls);
}

TEST_F(ProxyTest, StripStarttlsMakesSwaksRequiringTlsGiveUpBeforeMail) {
  REQUIRE_PROGRAM("swaks");
  start_proxy("strip-starttls");
  auto result = swaks({"--tls"});
  EXPECT_NE(result.exit_code, 0) << result.out;
  auto close = wait_close();
  EXPECT_EQ(close.data["client_sent_mail"], false);
  EXPECT_TRUE(mitm_events("mitm.plaintext_mail").empty());
  for (const auto& line : upstream_commands())
    EXPECT_THAT(line, Not(StartsWith("MAIL")));
  EXPECT_TRUE(mx_->messages().empty());
}

TEST_F(ProxyTest, Starttls454KeepsTheOfferButRefusesTheCommand) {
  start_proxy("starttls-454");
  LineClient client(proxy_endpoint());
  client.read_reply();
  EXPECT_TRUE(mentions_starttls(client.command("EHLO client.test")));
  EXPECT_EQ(client.command("STARTTLS"), "454 4.7.0 TLS not available\r\n");
  EXPECT_THAT(client.command("NOOP"), StartsWith("250"));
  client.command("QUIT");
  wait_close();
  EXPECT_THAT(upstream_commands(), Not(Contains("STARTTLS")));
  auto attacks = mitm_events("mitm.attack");
  ASSERT_EQ(attacks.size(), 1u);
  EXPECT_EQ(attacks[0].data["action"], "answered STARTTLS with 454");
}

TEST_F(ProxyTest, Starttls454MakesSwaksRequiringTlsFail) {
  REQUIRE_PROGRAM("swaks");
  start_proxy("starttls-454");
  auto result = swaks({"--tls"});
  EXPECT_NE(result.exit_code, 0) << result.out;
  EXPECT_THAT(result.out + result.err, HasSubstr("454"));
  wait_close();
  EXPECT_TRUE(mitm_events("mitm.plaintext_mail").empty());
  EXPECT_TRUE(mx_->messages().empty());
}

TEST_F(ProxyTest, InjectAfterStarttlsPutsPlaintextBeforeTheHandshake) {
  start_proxy("inject-after-starttls lines=\"250 2.0.0 injected by mitm\"");
  LineClient client(proxy_endpoint());
  client.read_reply();
  client.command("EHLO client.test");
  client.send("STARTTLS\r\n");
  EXPECT_THAT(client.read_line(), StartsWith("220"));
  // The injected line arrives in the clear, before a single TLS byte.
  EXPECT_EQ(client.read_line(), "250 2.0.0 injected by mitm");
  EXPECT_TRUE(client.buffer().empty());

  // A careful client throws the plaintext away and verifies the real MX's certificate.
  auto ctx = core::make_client_context(pki_.root_ca_pem(), kMx);
  ASSERT_FALSE(client.start_tls(*ctx, kMx));
  auto ehlo = client.command("EHLO client.test");
  EXPECT_THAT(ehlo, StartsWith("250"));
  EXPECT_THAT(ehlo, Not(HasSubstr("injected")));
  EXPECT_THAT(client.command("QUIT"), StartsWith("221"));
  client.close();

  auto close = wait_close();
  EXPECT_EQ(close.data["tls_passthrough"], true);
  auto attacks = mitm_events("mitm.attack");
  ASSERT_EQ(attacks.size(), 1u);
  EXPECT_EQ(attacks[0].data["action"], "injected 1 lines after 220");
  auto passthrough = mitm_events("mitm.passthrough");
  ASSERT_EQ(passthrough.size(), 1u);
  EXPECT_EQ(passthrough[0].data["client_handshake"], "completed");
}

TEST_F(ProxyTest, InjectAfterStarttlsSeesAClientThatAbortsTheHandshake) {
  start_proxy("inject-after-starttls");
  LineClient client(proxy_endpoint());
  client.read_reply();
  client.command("EHLO client.test");
  client.send("STARTTLS\r\n");
  client.read_line();
  client.read_line();
  // This client insists on a certificate for another name: it aborts with an alert.
  auto ctx = core::make_client_context(pki_.root_ca_pem(), "other.test");
  EXPECT_TRUE(client.start_tls(*ctx, kMx));
  client.close();
  auto passthrough = wait_mitm("mitm.passthrough");
  ASSERT_TRUE(passthrough);
  EXPECT_EQ(passthrough->data["client_handshake"], "failed") << passthrough->data.dump();
}

TEST_F(ProxyTest, InterceptTlsIsRefusedByAVerifyingOpenssl) {
  REQUIRE_PROGRAM("openssl");
  start_proxy("intercept-tls profile=self_signed");
  const auto ep = proxy_endpoint();
  auto result = stslab::testing::run_process(
      {"openssl", "s_client", "-starttls", "smtp", "-connect",
       ep.address().to_string() + ":" + std::to_string(ep.port()), "-servername", kMx,
       "-verify_return_error", "-CAfile", ca_file()},
      "", std::chrono::seconds(20));
  EXPECT_NE(result.exit_code, 0) << result.out << result.err;

  auto tls = wait_mitm("mitm.tls");
  ASSERT_TRUE(tls);
  EXPECT_EQ(tls->data["side"], "client");
  EXPECT_EQ(tls->data["ok"], false);
  EXPECT_EQ(tls->data["profile"], "self-signed");
  EXPECT_FALSE(tls->data["alert"].is_null()) << tls->data.dump();
  auto close = wait_close();
  EXPECT_EQ(close.data["how"], "client-tls-failed");
  EXPECT_TRUE(mitm_events("mitm.intercepted_mail").empty());
  EXPECT_THAT(upstream_commands(), Not(Contains("STARTTLS")));
}

TEST_F(ProxyTest, InterceptTlsWithAValidCertificateFoolsAVerifyingOpenssl) {
  REQUIRE_PROGRAM("openssl");
  start_proxy("intercept-tls profile=valid");
  const auto ep = proxy_endpoint();
  auto result = stslab::testing::run_process(
      {"openssl", "s_client", "-starttls", "smtp", "-connect",
       ep.address().to_string() + ":" + std::to_string(ep.port()), "-servername", kMx,
       "-verify_return_error", "-verify_hostname", kMx, "-CAfile", ca_file()},
      "", std::chrono::seconds(20));
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  auto tls = wait_mitm("mitm.tls", [](const core::Event& e) { return e.data["side"] == "client"; });
  ASSERT_TRUE(tls);
  EXPECT_EQ(tls->data["ok"], true);
  EXPECT_EQ(tls->data["sni"], kMx);
}

TEST_F(ProxyTest, InterceptTlsJournalsWhatACarelessClientSendsInsideTls) {
  start_proxy("intercept-tls profile=self_signed");
  LineClient client(proxy_endpoint());
  client.read_reply();
  EXPECT_TRUE(mentions_starttls(client.command("EHLO client.test")));
  EXPECT_THAT(client.command("STARTTLS"), StartsWith("220"));
  ASSERT_FALSE(client.start_tls(*careless_client_context(), kMx));
  auto ehlo = client.command("EHLO client.test");
  EXPECT_THAT(ehlo, StartsWith("250"));
  EXPECT_FALSE(mentions_starttls(ehlo));
  EXPECT_THAT(client.command("MAIL FROM:<s@b.test>"), StartsWith("250"));
  EXPECT_THAT(client.command("RCPT TO:<u@a.test>"), StartsWith("250"));
  EXPECT_THAT(client.command("DATA"), StartsWith("354"));
  EXPECT_THAT(client.command("Subject: secret\r\n\r\nread by the attacker\r\n."),
              StartsWith("250"));
  EXPECT_THAT(client.command("QUIT"), StartsWith("221"));

  auto close = wait_close();
  EXPECT_EQ(close.data["tls"], "intercepted");
  EXPECT_EQ(close.data["intercepted_mail"], true);
  EXPECT_EQ(close.data["intercepted_data"], true);
  EXPECT_EQ(close.data["plaintext_mail"], false);
  auto intercepted = mitm_events("mitm.intercepted_mail");
  ASSERT_EQ(intercepted.size(), 2u);
  EXPECT_EQ(intercepted[0].data["command"], "MAIL FROM");
  EXPECT_EQ(intercepted[1].data["command"], "DATA");
  EXPECT_EQ(intercepted[1].domain, "a.test");
  bool saw_mail_inside = false;
  for (const auto& e : mitm_events("mitm.client_command")) {
    if (e.data["line"] == "MAIL FROM:<s@b.test>") {
      saw_mail_inside = e.data["phase"] == "intercepted-tls";
    }
  }
  EXPECT_TRUE(saw_mail_inside);
  auto tls = mitm_events("mitm.tls");
  ASSERT_EQ(tls.size(), 2u);
  EXPECT_EQ(tls[0].data["side"], "client");
  EXPECT_EQ(tls[0].data["ok"], true);
  EXPECT_EQ(tls[1].data["side"], "upstream");
  EXPECT_EQ(tls[1].data["ok"], true);

  auto messages = mx_->messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_TRUE(messages[0].tls) << "the proxy did STARTTLS upstream";
  EXPECT_THAT(messages[0].data, HasSubstr("read by the attacker"));
}

TEST_F(ProxyTest, InterceptTlsRelaysInPlaintextWhenTheMxOffersNoStarttls) {
  mx_->update_vhost(kMx, [](smtp::Vhost& v) { v.caps.starttls = false; });
  start_proxy("intercept-tls");
  LineClient client(proxy_endpoint());
  client.read_reply();
  // The MX offers no STARTTLS; the client asks anyway and the attacker obliges.
  EXPECT_FALSE(mentions_starttls(client.command("EHLO client.test")));
  EXPECT_THAT(client.command("STARTTLS"), StartsWith("220"));
  ASSERT_FALSE(client.start_tls(*careless_client_context(), kMx));
  EXPECT_THAT(client.command("EHLO client.test"), StartsWith("250"));
  EXPECT_THAT(client.command("STARTTLS"), StartsWith("503"));
  EXPECT_THAT(client.command("QUIT"), StartsWith("221"));
  wait_close();
  EXPECT_EQ(mitm_events("mitm.tls").size(), 1u);  // only the client side
  EXPECT_THAT(upstream_commands(), Not(Contains("STARTTLS")));
}

TEST_F(ProxyTest, DropAfterEhloClosesBothConnections) {
  start_proxy("drop-after-ehlo");
  LineClient client(proxy_endpoint());
  client.read_reply();
  EXPECT_THAT(client.command("EHLO client.test"), StartsWith("250"));
  EXPECT_TRUE(client.wait_for_close());
  auto close = wait_close();
  EXPECT_EQ(close.data["how"], "attack-closed");
  auto attacks = mitm_events("mitm.attack");
  ASSERT_EQ(attacks.size(), 1u);
  EXPECT_EQ(attacks[0].data["action"], "closed both connections after the EHLO reply");
  // The MX saw its connection end too.
  core::EventFilter filter;
  filter.kind = "smtp.session.close";
  filter.source = core::Source::smtp;
  EXPECT_TRUE(
      journal_.wait_for(filter, std::chrono::steady_clock::now() + std::chrono::seconds(10)));
}

TEST_F(ProxyTest, AttackSwitchesForTheNextConnectionOnly) {
  auto& proxy = start_proxy("pass");
  LineClient first(proxy_endpoint());
  first.read_reply();
  EXPECT_TRUE(mentions_starttls(first.command("EHLO client.test")));

  proxy.set_attack(AttackSpec::parse("strip-starttls"));
  EXPECT_EQ(proxy.attack().name, "strip-starttls");
  LineClient second(proxy_endpoint());
  second.read_reply();
  EXPECT_FALSE(mentions_starttls(second.command("EHLO client.test")));
  // The first session keeps the attack it started under.
  EXPECT_TRUE(mentions_starttls(first.command("EHLO client.test")));

  auto opens = mitm_events("mitm.session.open");
  ASSERT_EQ(opens.size(), 2u);
  EXPECT_EQ(opens[0].data["attack"], "pass");
  EXPECT_EQ(opens[1].data["attack"], "strip-starttls");
  EXPECT_THROW(proxy.set_attack(AttackSpec::parse("no-such-attack")), std::invalid_argument);
  EXPECT_EQ(proxy.attack().name, "strip-starttls");
}

}  // namespace
}  // namespace stslab::mitm::testing
