#include "tls_client.hpp"

#include <openssl/ssl.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace stslab::https::test {

namespace beast = boost::beast;
namespace net = boost::asio;

TlsClient::TlsClient(tcp::endpoint server, ClientConfig config)
    : server_(server),
      config_(std::move(config)),
      ctx_(core::make_client_context(config_.ca_pem, config_.verify_host)),
      stream_(io_, *ctx_) {
  SSL* ssl = stream_.native_handle();
  if (!config_.sni.empty()) SSL_set_tlsext_host_name(ssl, config_.sni.c_str());
  if (config_.min_version) {
    SSL_set_min_proto_version(ssl, core::openssl_version_constant(*config_.min_version));
  }
  if (config_.max_version) {
    SSL_set_max_proto_version(ssl, core::openssl_version_constant(*config_.max_version));
  }
}

// Starts one async operation and runs the client's io_context until it completes; the stream's
// deadline guarantees it does.
template <class Start>
void TlsClient::run(Start start) {
  beast::get_lowest_layer(stream_).expires_after(config_.timeout);
  start();
  io_.restart();
  io_.run();
}

boost::system::error_code TlsClient::connect() {
  boost::system::error_code result;
  run([&] {
    beast::get_lowest_layer(stream_).async_connect(
        server_, [&](boost::system::error_code ec) { result = ec; });
  });
  return result;
}

boost::system::error_code TlsClient::handshake() {
  boost::system::error_code result;
  run([&] {
    stream_.async_handshake(net::ssl::stream_base::client,
                            [&](boost::system::error_code ec) { result = ec; });
  });
  return result;
}

boost::system::error_code TlsClient::connect_and_handshake() {
  if (auto ec = connect()) return ec;
  return handshake();
}

std::vector<std::string> TlsClient::peer_names() const {
  X509* cert = SSL_get0_peer_certificate(const_cast<TlsClient*>(this)->stream_.native_handle());
  return cert ? core::subject_alt_names(cert) : std::vector<std::string>{};
}

std::string TlsClient::peer_common_name() const {
  X509* cert = SSL_get0_peer_certificate(const_cast<TlsClient*>(this)->stream_.native_handle());
  return cert ? core::subject_common_name(cert) : std::string();
}

int TlsClient::peer_key_type() const {
  X509* cert = SSL_get0_peer_certificate(const_cast<TlsClient*>(this)->stream_.native_handle());
  return cert ? EVP_PKEY_get_base_id(X509_get0_pubkey(cert)) : 0;
}

std::string TlsClient::negotiated_version() const {
  return SSL_get_version(const_cast<TlsClient*>(this)->stream_.native_handle());
}

http::response<http::string_body> TlsClient::request(const http::request<http::string_body>& req,
                                                     boost::system::error_code& ec) {
  http::response<http::string_body> res;
  run([&] {
    http::async_write(stream_, req, [&](boost::system::error_code wec, std::size_t) { ec = wec; });
  });
  if (ec) return res;
  run([&] {
    http::async_read(stream_, buffer_, res,
                     [&](boost::system::error_code rec, std::size_t) { ec = rec; });
  });
  return res;
}

http::response<http::string_body> TlsClient::get(const std::string& target, const std::string& host,
                                                 boost::system::error_code& ec) {
  http::request<http::string_body> req{http::verb::get, target, 11};
  req.set(http::field::host, host);
  req.keep_alive(true);
  return request(req, ec);
}

boost::system::error_code TlsClient::write_raw_tcp(const std::string& bytes) {
  boost::system::error_code result;
  run([&] {
    net::async_write(beast::get_lowest_layer(stream_), net::buffer(bytes),
                     [&](boost::system::error_code ec, std::size_t) { result = ec; });
  });
  return result;
}

boost::system::error_code TlsClient::write_raw_tls(const std::string& bytes) {
  boost::system::error_code result;
  run([&] {
    net::async_write(stream_, net::buffer(bytes),
                     [&](boost::system::error_code ec, std::size_t) { result = ec; });
  });
  return result;
}

std::string TlsClient::read_all_tls(boost::system::error_code& ec) {
  std::string out;
  run([&] {
    net::async_read(stream_, net::dynamic_buffer(out),
                    [&](boost::system::error_code rec, std::size_t) { ec = rec; });
  });
  return out;
}

std::string TlsClient::read_all_tcp(boost::system::error_code& ec) {
  std::string out;
  run([&] {
    net::async_read(beast::get_lowest_layer(stream_), net::dynamic_buffer(out),
                    [&](boost::system::error_code rec, std::size_t) { ec = rec; });
  });
  return out;
}

void TlsClient::close() {
  beast::get_lowest_layer(stream_).close();
}

}  // namespace stslab::https::test
