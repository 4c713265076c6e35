// A small Beast HTTPS client for the tests: connect, handshake with or without SNI, look at the
// certificate the server presented, send requests or raw bytes. Every operation runs on the
// client's own io_context with a deadline (Beast's tcp_stream timeouts), so a test never hangs.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stslab/core/tls.hpp"

namespace stslab::https::test {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

struct ClientConfig {
  std::string sni;          // "" = send no SNI
  std::string ca_pem;       // "" = accept any certificate
  std::string verify_host;  // "" = no name check
  std::optional<core::TlsVersion> min_version;
  std::optional<core::TlsVersion> max_version;
  std::chrono::milliseconds timeout{10'000};  // per operation
};

class TlsClient {
 public:
  TlsClient(tcp::endpoint server, ClientConfig config);

  boost::system::error_code connect();  // TCP only
  boost::system::error_code connect_and_handshake();
  boost::system::error_code handshake();

  // The leaf the server presented (after a handshake).
  std::vector<std::string> peer_names() const;  // subjectAltName DNS names
  std::string peer_common_name() const;
  std::string negotiated_version() const;
  int peer_key_type() const;  // EVP_PKEY_RSA, EVP_PKEY_EC, or 0

  http::response<http::string_body> request(const http::request<http::string_body>& req,
                                            boost::system::error_code& ec);
  // A GET with Host and keep-alive.
  http::response<http::string_body> get(const std::string& target, const std::string& host,
                                        boost::system::error_code& ec);

  boost::system::error_code write_raw_tcp(const std::string& bytes);  // below TLS
  boost::system::error_code write_raw_tls(const std::string& bytes);  // inside TLS
  // Reads inside TLS until the server closes or the deadline; returns what arrived.
  std::string read_all_tls(boost::system::error_code& ec);
  // Reads below TLS until EOF or the deadline.
  std::string read_all_tcp(boost::system::error_code& ec);
  void close();
  void set_timeout(std::chrono::milliseconds timeout) { config_.timeout = timeout; }

 private:
  template <class Start>
  void run(Start start);

  tcp::endpoint server_;
  ClientConfig config_;
  boost::asio::io_context io_;
  std::shared_ptr<boost::asio::ssl::context> ctx_;
  boost::beast::ssl_stream<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace stslab::https::test
