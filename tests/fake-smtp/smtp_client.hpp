// A small blocking SMTP client for tests: raw bytes in and out, replies parsed, STARTTLS, and a
// deadline on every wait (it runs its own io_context for each operation, so nothing blocks
// forever and no test sleeps).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace stslab::smtp::testing {

struct ClientReply {
  int code = 0;
  std::vector<std::string> lines;  // text after "250-" / "250 "
  bool has_line(const std::string& text) const;
};

class TestClient {
 public:
  using ms = std::chrono::milliseconds;
  // Connects (from `local` if given) or throws.
  explicit TestClient(const boost::asio::ip::tcp::endpoint& server,
                      std::optional<boost::asio::ip::address> local = std::nullopt);

  void send(std::string_view bytes);
  // Reads one (possibly multi-line) reply; throws std::runtime_error on timeout or close.
  ClientReply read_reply(ms timeout = ms(5000));
  // send(line + "\r\n") then read_reply().
  ClientReply command(const std::string& line);
  // TLS handshake over the connection; returns the error text, "" on success.
  std::string start_tls(boost::asio::ssl::context& ctx, const std::string& sni = "");
  // Reads until the server closes the connection; returns what came before. Throws on timeout.
  std::string read_until_closed(ms timeout = ms(5000));
  bool tls() const { return tls_.has_value(); }
  SSL* ssl() { return tls_ ? tls_->native_handle() : nullptr; }
  boost::asio::ip::tcp::endpoint local_endpoint() const { return socket_.local_endpoint(); }
  void close();

 private:
  // Reads some bytes into buffer_; false on EOF/error, throws on timeout.
  bool read_more(ms timeout);
  template <class Start>
  boost::system::error_code run(Start start, ms timeout, std::size_t* n = nullptr);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
  std::string buffer_;
};

}  // namespace stslab::smtp::testing
