// curl, the reference HTTPS client, against the policy host: fetching a policy, refusing bad
// certificates (the journal shows the alert curl sent), and TLS version bounds.
#include <algorithm>

#include "https_lab.hpp"

namespace stslab::https::test {
namespace {

class CurlInterop : public HttpsLab {
 protected:
  void SetUp() override { STSLAB_REQUIRE_PROGRAM("curl"); }
};

constexpr const char* policy_path = "/.well-known/mta-sts.txt";

TEST_F(CurlInterop, FetchesThePolicy) {
  const auto ep = start({"127.0.0.2"});
  server->set_vhost(policy_vhost("mta-sts.a.test", {"127.0.0.2"}));
  const auto r = curl("mta-sts.a.test", ep[0], policy_path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.info["http_code"], 200);
  EXPECT_EQ(r.info["content_type"], "text/plain");
  EXPECT_EQ(r.body, default_policy);

  const auto req = wait_event("https.request");
  ASSERT_TRUE(req);
  EXPECT_EQ(req->domain, "mta-sts.a.test");
  EXPECT_EQ(req->host, "mta-sts.a.test");
  EXPECT_EQ(req->data["method"], "GET");
  EXPECT_EQ(req->data["target"], policy_path);
  EXPECT_EQ(req->data["host_header"], "mta-sts.a.test:" + std::to_string(ep[0].port()));
  EXPECT_EQ(req->data["sni"], "mta-sts.a.test");
  EXPECT_EQ(req->data["routed_by"], "host");
  EXPECT_EQ(req->data["status"], 200);
  EXPECT_EQ(req->data["scripted"], true);
  EXPECT_EQ(req->data["completed"], true);
  EXPECT_EQ(req->data["body_bytes_sent"], std::string(default_policy).size());
  EXPECT_TRUE(req->data["headers"].contains("user-agent"));
}

struct Refusal {
  core::CertProfile profile;
  const char* alert;  // what the server must see curl send ("" = curl closes without an alert)
};

void PrintTo(const Refusal& r, std::ostream* os) {
  *os << core::to_string(r.profile);
}

class CurlRefuses : public HttpsLab, public ::testing::WithParamInterface<Refusal> {
 protected:
  void SetUp() override { STSLAB_REQUIRE_PROGRAM("curl"); }
};

TEST_P(CurlRefuses, ABadCertificateAndTheJournalShowsWhy) {
  const auto ep = start({"127.0.0.2"});
  auto v = policy_vhost("mta-sts.a.test", {});
  v.certificate.profile = GetParam().profile;
  server->set_vhost(v);
  const auto r = curl("mta-sts.a.test", ep[0], policy_path);
  EXPECT_EQ(r.exit_code, 60) << r.err;  // CURLE_PEER_FAILED_VERIFICATION
  EXPECT_TRUE(r.body.empty());

  const auto tls = wait_event("https.tls");
  ASSERT_TRUE(tls);
  EXPECT_EQ(tls->data["cert_profile"], core::to_string(GetParam().profile));
  if (std::string(GetParam().alert).empty()) {
    EXPECT_EQ(tls->data["ok"], true);  // curl checked the name itself, after the handshake
  } else {
    EXPECT_EQ(tls->data["ok"], false);
    EXPECT_EQ(tls->data["alert"], GetParam().alert);
  }
  EXPECT_TRUE(events("https.request").empty());
}

INSTANTIATE_TEST_SUITE_P(Profiles, CurlRefuses,
                         ::testing::Values(Refusal{core::CertProfile::expired,
                                                   "certificate expired"},
                                           Refusal{core::CertProfile::untrusted_ca, "unknown CA"},
                                           Refusal{core::CertProfile::self_signed, "unknown CA"},
                                           Refusal{core::CertProfile::wrong_name, ""}),
                         [](const ::testing::TestParamInfo<Refusal>& p) {
                           std::string name(core::to_string(p.param.profile));
                           std::replace(name.begin(), name.end(), '-',
                                        '_');  // test names allow [A-Za-z0-9_]
                           return name;
                         });

TEST_F(CurlInterop, MaxTls12VhostNegotiatesTls12) {
  const auto ep = start({"127.0.0.2"});
  auto v = policy_vhost("mta-sts.a.test", {});
  v.tls = {core::TlsVersion::tls1_2, core::TlsVersion::tls1_2};
  server->set_vhost(v);
  const auto r = curl("mta-sts.a.test", ep[0], policy_path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto tls = wait_event("https.tls");
  ASSERT_TRUE(tls);
  EXPECT_EQ(tls->data["version"], "TLSv1.2");
}

TEST_F(CurlInterop, Tls13OnlyClientFailsAgainstMaxTls12) {
  STSLAB_REQUIRE_PROGRAM("openssl");
  const auto ep = start({"127.0.0.2"});
  auto v = policy_vhost("mta-sts.a.test", {});
  v.tls.max = core::TlsVersion::tls1_2;
  server->set_vhost(v);
  const auto out = s_client(ep[0], "mta-sts.a.test", {"-tls1_3"});
  EXPECT_NE(out.exit_code, 0);
  const auto tls = wait_event("https.tls");
  ASSERT_TRUE(tls);
  EXPECT_EQ(tls->data["ok"], false);
  EXPECT_EQ(tls->data["selected_by"], "sni");
  EXPECT_TRUE(tls->data["version"].is_null());
  EXPECT_FALSE(tls->data["error"].get<std::string>().empty());

  // The same vhost still serves a client that may use 1.2.
  const auto r = curl("mta-sts.a.test", ep[0], policy_path);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(CurlInterop, MinTls13VhostRefusesATls12OnlyClient) {
  const auto ep = start({"127.0.0.2"});
  auto v = policy_vhost("mta-sts.a.test", {});
  v.tls.min = core::TlsVersion::tls1_3;
  server->set_vhost(v);
  const auto r = curl("mta-sts.a.test", ep[0], policy_path, {"--tls-max", "1.2"});
  EXPECT_EQ(r.exit_code, 35) << r.err;  // CURLE_SSL_CONNECT_ERROR
  const auto tls = wait_event("https.tls");
  ASSERT_TRUE(tls);
  EXPECT_EQ(tls->data["ok"], false);
}

TEST_F(CurlInterop, FallbackTlsBoundsApplyWhenNoVhostMatches) {
  Options options;
  options.fallback_tls = {core::TlsVersion::tls1_2, core::TlsVersion::tls1_2};
  const auto ep = start({"127.0.0.2"}, options);
  const auto r = curl("mta-sts.nowhere.test", ep[0], policy_path, {"--insecure"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.info["http_code"], 404);
  const auto tls = wait_event("https.tls");
  ASSERT_TRUE(tls);
  EXPECT_EQ(tls->data["version"], "TLSv1.2");
  const auto req = wait_event("https.request");
  ASSERT_TRUE(req);
  EXPECT_EQ(req->data["outcome"], "no_vhost");
  EXPECT_EQ(req->data["scripted"], false);
  EXPECT_EQ(req->domain, "mta-sts.nowhere.test");
  EXPECT_EQ(req->host, "");
}

}  // namespace
}  // namespace stslab::https::test
