// Which certificate a connection gets: by SNI, by the local address without SNI (RFC 8461 §7.1:
// never require SNI), or the fallback - and the https.tls event that records the choice.
#include <openssl/evp.h>

#include "https_lab.hpp"

namespace stslab::https::test {
namespace {

class CertSelection : public HttpsLab {};

TEST_F(CertSelection, PicksTheVhostNamedBySni) {
  const auto ep = start({"127.0.0.2"});
  server->set_vhost(policy_vhost("mta-sts.a.test", {}));
  server->set_vhost(policy_vhost("mta-sts.b.test", {}));

  TlsClient client(ep[0], client_for("mta-sts.b.test"));
  ASSERT_FALSE(client.connect_and_handshake());
  EXPECT_EQ(client.peer_names(), std::vector<std::string>{"mta-sts.b.test"});

  const auto tls = wait_event("https.tls");
  ASSERT_TRUE(tls);
  EXPECT_EQ(tls->domain, "mta-sts.b.test");
  EXPECT_EQ(tls->host, "mta-sts.b.test");
  EXPECT_EQ(tls->data["ok"], true);
  EXPECT_EQ(tls->data["sni"], "mta-sts.b.test");
  EXPECT_EQ(tls->data["selected_by"], "sni");
  EXPECT_EQ(tls->data["cert_host"], "mta-sts.b.test");
  EXPECT_EQ(tls->data["cert_profile"], "valid");
  EXPECT_EQ(tls->data["version"], "TLSv1.3");
  EXPECT_FALSE(tls->data["cipher"].get<std::string>().empty());
  EXPECT_EQ(tls->data["local"], "127.0.0.2:" + std::to_string(ep[0].port()));
  EXPECT_TRUE(tls->data["error"].is_null());
}

TEST_F(CertSelection, SniMatchesCaseInsensitively) {
  const auto ep = start({"127.0.0.2"});
  server->set_vhost(policy_vhost("mta-sts.a.test", {}));
  auto config = client_for("MTA-STS.A.TEST");
  config.verify_host = "mta-sts.a.test";
  TlsClient client(ep[0], config);
  ASSERT_FALSE(client.connect_and_handshake());
  EXPECT_EQ(client.peer_names(), std::vector<std::string>{"mta-sts.a.test"});
}

TEST_F(CertSelection, WithoutSniTheLocalAddressPicksTheVhost) {
  STSLAB_REQUIRE_PROGRAM("openssl");
  const auto ep = start({"127.0.0.2", "127.0.0.3"});
  server->set_vhost(policy_vhost("mta-sts.a.test", {"127.0.0.2"}));
  server->set_vhost(policy_vhost("mta-sts.b.test", {"127.0.0.3"}));

  for (const auto& [at, expected] :
       {std::pair{ep[0], "mta-sts.a.test"}, std::pair{ep[1], "mta-sts.b.test"}}) {
    const auto out = s_client(at, "");
    ASSERT_EQ(out.exit_code, 0) << out.err;
    const auto cert = core::parse_certificate_pem(first_certificate_pem(out.out));
    EXPECT_EQ(core::subject_alt_names(cert.get()), std::vector<std::string>{expected});
  }
  const auto tls = events("https.tls");
  ASSERT_EQ(tls.size(), 2u);
  for (const auto& e : tls) {
    EXPECT_TRUE(e.data["sni"].is_null());
    EXPECT_EQ(e.data["selected_by"], "local_address");
    EXPECT_EQ(e.domain, "");
  }
  EXPECT_EQ(tls[0].host, "mta-sts.a.test");
  EXPECT_EQ(tls[1].host, "mta-sts.b.test");
}

TEST_F(CertSelection, UnknownSniGetsTheFallbackEvenOnAnOwnedAddress) {
  const auto ep = start({"127.0.0.2"});
  server->set_vhost(policy_vhost("mta-sts.a.test", {"127.0.0.2"}));
  auto config = client_for("mta-sts.unknown.test");
  config.ca_pem.clear();  // accept whatever comes, to look at it
  config.verify_host.clear();
  TlsClient client(ep[0], config);
  ASSERT_FALSE(client.connect_and_handshake());
  EXPECT_EQ(client.peer_names(), std::vector<std::string>{"fallback.invalid"});

  const auto tls = wait_event("https.tls");
  ASSERT_TRUE(tls);
  EXPECT_EQ(tls->data["selected_by"], "fallback");
  EXPECT_EQ(tls->data["unknown_sni"], true);
  EXPECT_EQ(tls->data["sni"], "mta-sts.unknown.test");
  EXPECT_EQ(tls->data["cert_host"], "fallback.invalid");
  EXPECT_TRUE(tls->data["vhost"].is_null());
}

TEST_F(CertSelection, NoSniOnAnUnownedAddressGetsTheConfiguredFallback) {
  Options options;
  options.fallback_host = "default.lab.test";
  options.fallback_certificate.profile = core::CertProfile::self_signed;
  const auto ep = start({"127.0.0.4"}, options);
  server->set_vhost(policy_vhost("mta-sts.a.test", {"127.0.0.2"}));
  ClientConfig config;  // no SNI, no verification
  TlsClient client(ep[0], config);
  ASSERT_FALSE(client.connect_and_handshake());
  EXPECT_EQ(client.peer_names(), std::vector<std::string>{"default.lab.test"});
  const auto tls = wait_event("https.tls");
  ASSERT_TRUE(tls);
  EXPECT_EQ(tls->data["selected_by"], "fallback");
  EXPECT_EQ(tls->data["unknown_sni"], false);
  EXPECT_EQ(tls->data["cert_profile"], "self-signed");
}

TEST_F(CertSelection, KeyTypeAndExplicitCredentialAreHonoured) {
  const auto ep = start({"127.0.0.2"});
  auto ec_host = policy_vhost("mta-sts.a.test", {});
  ec_host.certificate.key_type = core::KeyType::ecdsa_p256;
  server->set_vhost(ec_host);
  auto explicit_host = policy_vhost("mta-sts.b.test", {});
  explicit_host.certificate.credential = pki.issue("someone-else.test", core::CertProfile::valid);
  server->set_vhost(explicit_host);

  TlsClient ec_client(ep[0], client_for("mta-sts.a.test"));
  ASSERT_FALSE(ec_client.connect_and_handshake());
  EXPECT_EQ(ec_client.peer_key_type(), EVP_PKEY_EC);

  auto config = client_for("mta-sts.b.test");
  config.verify_host = "someone-else.test";
  TlsClient explicit_client(ep[0], config);
  ASSERT_FALSE(explicit_client.connect_and_handshake());
  EXPECT_EQ(explicit_client.peer_names(), std::vector<std::string>{"someone-else.test"});
  EXPECT_EQ(explicit_client.peer_key_type(), EVP_PKEY_RSA);
}

TEST_F(CertSelection, CertificateChangesApplyToTheNextHandshake) {
  const auto ep = start({"127.0.0.2"});
  server->set_vhost(policy_vhost("mta-sts.a.test", {}));
  {
    TlsClient client(ep[0], client_for("mta-sts.a.test"));
    ASSERT_FALSE(client.connect_and_handshake());
  }
  server->set_certificate("mta-sts.a.test", {.profile = core::CertProfile::expired});
  TlsClient client(ep[0], client_for("mta-sts.a.test"));
  const auto ec = client.connect_and_handshake();
  ASSERT_TRUE(ec);
  const auto refused =
      wait_event("https.tls", [](const core::Event& e) { return e.data["ok"] == false; });
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->data["cert_profile"], "expired");
  EXPECT_EQ(refused->data["alert"], "certificate expired");
}

TEST_F(CertSelection, ScriptedHandshakeAlertRefusesTheHandshake) {
  const auto ep = start({"127.0.0.2"});
  auto v = policy_vhost("mta-sts.a.test", {});
  v.handshake_alert = SSL_AD_HANDSHAKE_FAILURE;
  server->set_vhost(v);
  TlsClient client(ep[0], client_for("mta-sts.a.test"));
  const auto ec = client.connect_and_handshake();
  ASSERT_TRUE(ec);
  EXPECT_EQ(core::received_alert(ec), "handshake failure");
  const auto tls = wait_event("https.tls");
  ASSERT_TRUE(tls);
  EXPECT_EQ(tls->data["ok"], false);
  EXPECT_EQ(tls->data["alert_sent"], "handshake failure");

  server->set_handshake_alert("mta-sts.a.test", std::nullopt);
  TlsClient again(ep[0], client_for("mta-sts.a.test"));
  EXPECT_FALSE(again.connect_and_handshake());
}

TEST_F(CertSelection, RemovedVhostFallsBackToTheFallbackCertificate) {
  const auto ep = start({"127.0.0.2"});
  server->set_vhost(policy_vhost("mta-sts.a.test", {"127.0.0.2"}));
  EXPECT_TRUE(server->remove_vhost("MTA-STS.a.test"));
  EXPECT_FALSE(server->remove_vhost("mta-sts.a.test"));
  ClientConfig config;
  config.sni = "mta-sts.a.test";
  TlsClient client(ep[0], config);
  ASSERT_FALSE(client.connect_and_handshake());
  EXPECT_EQ(client.peer_names(), std::vector<std::string>{"fallback.invalid"});
}

}  // namespace
}  // namespace stslab::https::test
