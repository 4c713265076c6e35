// One side of a proxied connection (the client MTA, or the upstream MX): a TCP socket that can
// be upgraded to TLS in place, with a read-ahead buffer so the session can read SMTP lines and
// still hand any bytes it read too far to whoever comes next (the TLS handshake, the opaque
// relay). Every failure is thrown as a LinkError naming the side, so the session can say who
// hung up.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "stslab/core/asio_awaitable.hpp"

namespace stslab::mitm::detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class LinkError : public std::runtime_error {
 public:
  LinkError(std::string side, boost::system::error_code ec);
  const std::string& side() const { return side_; }
  const boost::system::error_code& code() const { return ec_; }
  // The peer went away (EOF, reset, TLS without close_notify) rather than something breaking.
  bool peer_closed() const;

 private:
  asio::awaitable<void> read_into_pending(boost::system::error_code& ec);
  asio::awaitable<void> background_read(
      std::shared_ptr<void> owner, std::function<void(const boost::system::error_code&)> on_done);

  std::string side_;
  boost::system::error_code ec_;
};

// Input the proxy will not read as SMTP: a line longer than the cap, a reply with too many
// lines. The session ends; what() says why.
class BadInput : public std::runtime_error {
 public:
  BadInput(std::string side, const std::string& reason);
  const std::string& side() const { return side_; }

 private:
  asio::awaitable<void> read_into_pending(boost::system::error_code& ec);
  asio::awaitable<void> background_read(
      std::shared_ptr<void> owner, std::function<void(const boost::system::error_code&)> on_done);

  std::string side_;
};

class Link {
 public:
  using Clock = std::chrono::steady_clock;

  // `side` names this end in errors ("client", "upstream"); `activity` is stamped on every
  // successful read or write (the session's idle watchdog reads it).
  Link(std::string side, tcp::socket socket, Clock::time_point& activity);

  const std::string& side() const { return side_; }
  tcp::socket& socket() { return tls_ ? tls_->next_layer() : socket_; }
  bool is_tls() const { return tls_.has_value(); }
  SSL* ssl() { return tls_ ? tls_->native_handle() : nullptr; }
  std::string& pending() { return pending_; }  // read but not yet consumed
  std::uint64_t bytes_read() const { return bytes_read_; }
  std::uint64_t bytes_written() const { return bytes_written_; }

  // Reads at least one more byte into pending().
  asio::awaitable<void> read_more();
  // The next line without its CR LF (a bare LF also ends a line). Throws BadInput when more
  // than `max` bytes arrive without a line end.
  asio::awaitable<std::string> read_line(std::size_t max);
  asio::awaitable<void> write(std::string_view bytes);

  // TLS handshakes; the error (if any) is returned, not thrown, because a failed handshake is
  // an outcome the session journals. Bytes in pending() are not fed to TLS: callers decide.
  asio::awaitable<boost::system::error_code> tls_accept(asio::ssl::context& ctx);
  asio::awaitable<boost::system::error_code> tls_connect(asio::ssl::context& ctx,
                                                         const std::string& sni);

  // Starts a read nobody is waiting for yet (so a peer's close is noticed while the session is
  // busy with the other side). Its data lands in pending(); the next read_more() waits for it
  // instead of reading again; a failure is kept and thrown by every later read_more().
  // `owner` keeps the Link's owner alive until the read ends; `on_done` runs when it does.
  void start_background_read(std::shared_ptr<void> owner,
                             std::function<void(const boost::system::error_code&)> on_done);
  bool background_read_running() const { return background_running_; }
  const boost::system::error_code& background_error() const { return background_error_; }

  void shutdown_send();  // half-close: forward an EOF
  void close();

 private:
  asio::awaitable<void> read_into_pending(boost::system::error_code& ec);
  asio::awaitable<void> background_read(
      std::shared_ptr<void> owner, std::function<void(const boost::system::error_code&)> on_done);

  std::string side_;
  tcp::socket socket_;
  std::optional<asio::ssl::stream<tcp::socket>> tls_;
  Clock::time_point& activity_;
  bool background_running_ = false;
  boost::system::error_code background_error_;
  asio::steady_timer background_done_;  // cancelled when the background read ends
  std::string pending_;
  std::uint64_t bytes_read_ = 0;
  std::uint64_t bytes_written_ = 0;
};

}  // namespace stslab::mitm::detail
