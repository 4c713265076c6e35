// The shared TLS helpers against a real handshake over loopback: the facts a fake journals, and
// the alert a rejecting client sends, seen from the server side.
#include "stslab/core/tls.hpp"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <future>

namespace stslab::core {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct HandshakeResult {
  boost::system::error_code server_ec, client_ec;
  nlohmann::json server_facts, client_facts;
};

HandshakeResult handshake(asio::ssl::context& server_ctx, asio::ssl::context& client_ctx,
                          const std::string& sni) {
  asio::io_context io;
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  HandshakeResult r;
  auto server = std::async(std::launch::async, [&] {
    asio::io_context sio;
    tcp::socket sock(sio);
    acceptor.accept(sock);
    asio::ssl::stream<tcp::socket> tls(std::move(sock), server_ctx);
    tls.handshake(asio::ssl::stream_base::server, r.server_ec);
    if (!r.server_ec) {
      r.server_facts = session_facts(tls.native_handle());
      char byte;
      boost::system::error_code ignored;
      asio::read(tls, asio::buffer(&byte, 1), ignored);  // until the client closes
    }
  });
  asio::ssl::stream<tcp::socket> client(io, client_ctx);
  client.lowest_layer().connect(acceptor.local_endpoint());
  if (!sni.empty()) SSL_set_tlsext_host_name(client.native_handle(), sni.c_str());
  client.handshake(asio::ssl::stream_base::client, r.client_ec);
  if (!r.client_ec) r.client_facts = session_facts(client.native_handle());
  boost::system::error_code ignored;
  client.lowest_layer().close(ignored);
  server.get();
  return r;
}

class TlsTest : public ::testing::Test {
 protected:
  LabClock clock;
  LabPki pki{clock};
};

TEST_F(TlsTest, ValidCertificateHandshakesAndReportsFacts) {
  auto server = make_server_context(pki.issue("mx1.a.test", CertProfile::valid));
  auto client = make_client_context(pki.root_ca_pem(), "mx1.a.test");
  const auto r = handshake(*server, *client, "mx1.a.test");
  ASSERT_FALSE(r.client_ec) << describe_tls_error(r.client_ec);
  ASSERT_FALSE(r.server_ec) << describe_tls_error(r.server_ec);
  EXPECT_EQ(r.server_facts["version"], "TLSv1.3");
  EXPECT_EQ(r.server_facts["sni"], "mx1.a.test");
  EXPECT_FALSE(r.server_facts["cipher"].get<std::string>().empty());
}

TEST_F(TlsTest, NoSniIsRecordedAsNull) {
  auto server = make_server_context(pki.issue("mx1.a.test", CertProfile::valid));
  auto client = make_client_context(pki.root_ca_pem(), "mx1.a.test");
  const auto r = handshake(*server, *client, "");
  ASSERT_FALSE(r.server_ec);
  EXPECT_TRUE(r.server_facts["sni"].is_null());
}

TEST_F(TlsTest, VersionBoundsAreHonoured) {
  auto server = make_server_context(pki.issue("mx1.a.test", CertProfile::valid),
                                    {TlsVersion::tls1_2, TlsVersion::tls1_2});
  auto client = make_client_context(pki.root_ca_pem(), "mx1.a.test");
  const auto r = handshake(*server, *client, "mx1.a.test");
  ASSERT_FALSE(r.server_ec) << describe_tls_error(r.server_ec);
  EXPECT_EQ(r.server_facts["version"], "TLSv1.2");
}

struct RejectCase {
  CertProfile profile;
  std::string alert;  // what OpenSSL's client sends, as the server reads it
};

void PrintTo(const RejectCase& c, std::ostream* os) {
  *os << to_string(c.profile);
}

class TlsRejectTest : public TlsTest, public ::testing::WithParamInterface<RejectCase> {};

TEST_P(TlsRejectTest, ServerSeesTheAlertTheClientSent) {
  auto server = make_server_context(pki.issue("mx1.a.test", GetParam().profile));
  auto client = make_client_context(pki.root_ca_pem(), "mx1.a.test");
  const auto r = handshake(*server, *client, "mx1.a.test");
  ASSERT_TRUE(r.client_ec);
  ASSERT_TRUE(r.server_ec);
  EXPECT_EQ(received_alert(r.server_ec), GetParam().alert) << describe_tls_error(r.server_ec);
  EXPECT_EQ(describe_tls_error(r.server_ec), "peer sent alert: " + GetParam().alert);
  EXPECT_EQ(received_alert(r.client_ec), "");  // the client failed on its own check
}

INSTANTIATE_TEST_SUITE_P(Profiles, TlsRejectTest,
                         ::testing::Values(RejectCase{CertProfile::expired, "certificate expired"},
                                           RejectCase{CertProfile::untrusted_ca, "unknown CA"},
                                           RejectCase{CertProfile::self_signed, "unknown CA"},
                                           RejectCase{CertProfile::wrong_name, "bad certificate"}),
                         [](const auto& p) {
                           std::string n(to_string(p.param.profile));
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

TEST(TlsVersionNames, ParseAndPrint) {
  EXPECT_EQ(parse_tls_version("1.2"), TlsVersion::tls1_2);
  EXPECT_EQ(parse_tls_version("TLSv1.3"), TlsVersion::tls1_3);
  EXPECT_EQ(parse_tls_version("tls1.0"), TlsVersion::tls1_0);
  EXPECT_EQ(to_string(TlsVersion::tls1_1), "TLSv1.1");
  EXPECT_THROW(parse_tls_version("1.4"), std::invalid_argument);
}

TEST(TlsErrors, NonTlsErrorsHaveNoAlert) {
  const auto ec = make_error_code(boost::asio::error::connection_reset);
  EXPECT_EQ(received_alert(ec), "");
  EXPECT_FALSE(describe_tls_error(ec).empty());
}

}  // namespace
}  // namespace stslab::core
