// One HTTPS connection: TLS handshake (certificate chosen by CertSelector), then HTTP/1.1
// requests with keep-alive until either side ends it. Everything it sees goes to the journal.
// Runs as a coroutine on its own strand; close() may be called from any thread.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>

#include "cert_selector.hpp"
#include "pacer.hpp"
#include "response_writer.hpp"
#include "stslab/core/asio_awaitable.hpp"
#include "stslab/https/server.hpp"
#include "tls_stream.hpp"

namespace stslab::https {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<HttpsServer::State> state, boost::asio::ip::tcp::socket socket);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void set_id(std::uint64_t id) { id_ = id; }
  net::any_io_executor executor() { return stream_.get_executor(); }
  // The coroutine body; `self` keeps the session alive while it runs.
  static net::awaitable<void> run(std::shared_ptr<Session> self);
  // Thread-safe: ends the connection at its next step (or now, if it is waiting).
  void close();

 private:
  enum class Next { another_request, close_gracefully, drop };
  using Request = beast::http::request<beast::http::string_body>;

  net::awaitable<void> serve();
  net::awaitable<bool> handshake();
  net::awaitable<Next> serve_request(beast::flat_buffer& buffer);
  net::awaitable<Next> on_read_error(const boost::system::error_code& ec, bool got_some,
                                     const char* stage);
  net::awaitable<void> shutdown_tls();

  // What every event of this connection carries.
  struct ConnectionFacts {
    std::string local, peer;
    std::optional<std::string> sni;
  };
  ConnectionFacts connection_facts() const;
  std::string journal_domain(const std::string& host_header) const;
  void journal_request(const Request& req, const std::string& host_header, const std::string& vhost,
                       const char* routed_by, std::string_view outcome,
                       std::size_t request_body_bytes, unsigned status, const WriteOutcome& w);
  void journal_error(const char* stage, const std::string& error,
                     std::optional<unsigned> status_sent);
  std::uint64_t store_post(const Request& req, const std::string& host_header,
                           const std::string& vhost, unsigned status);

  std::shared_ptr<HttpsServer::State> state_;
  TlsStream stream_;
  Pacer pacer_;
  CertSelection selection_;
  boost::asio::ip::tcp::endpoint local_, peer_;
  std::uint64_t id_ = 0;
  std::size_t requests_served_ = 0;
  bool closing_ = false;  // strand-only
};

}  // namespace stslab::https
