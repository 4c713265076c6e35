#include "link.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace stslab::mitm::detail {

LinkError::LinkError(std::string side, boost::system::error_code ec)
    : std::runtime_error(side + ": " + ec.message()), side_(std::move(side)), ec_(ec) {}

bool LinkError::peer_closed() const {
  return ec_ == asio::error::eof || ec_ == asio::error::connection_reset ||
         ec_ == asio::error::broken_pipe || ec_ == asio::ssl::error::stream_truncated;
}

BadInput::BadInput(std::string side, const std::string& reason)
    : std::runtime_error(reason), side_(std::move(side)) {}

Link::Link(std::string side, tcp::socket socket, Clock::time_point& activity)
    : side_(std::move(side)),
      socket_(std::move(socket)),
      activity_(activity),
      background_done_(socket_.get_executor()) {}

asio::awaitable<void> Link::read_more() {
  if (background_running_) {
    boost::system::error_code ignored;
    co_await background_done_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    if (background_error_) throw LinkError(side_, background_error_);
    co_return;  // it appended at least one byte
  }
  if (background_error_) throw LinkError(side_, background_error_);
  boost::system::error_code ec;
  co_await read_into_pending(ec);
  if (ec) throw LinkError(side_, ec);
}

void Link::start_background_read(std::shared_ptr<void> owner,
                                 std::function<void(const boost::system::error_code&)> on_done) {
  if (background_running_ || background_error_) return;
  background_running_ = true;
  background_done_.expires_at(asio::steady_timer::time_point::max());
  asio::co_spawn(background_done_.get_executor(),
                 background_read(std::move(owner), std::move(on_done)), asio::detached);
}

asio::awaitable<void> Link::background_read(
    [[maybe_unused]] std::shared_ptr<void> owner,
    std::function<void(const boost::system::error_code&)> on_done) {
  boost::system::error_code ec;
  co_await read_into_pending(ec);
  background_error_ = ec;
  background_running_ = false;
  background_done_.cancel();
  if (on_done) on_done(ec);
}

asio::awaitable<void> Link::read_into_pending(boost::system::error_code& ec) {
  char chunk[16384];
  std::size_t n = 0;
  if (tls_) {
    n = co_await tls_->async_read_some(asio::buffer(chunk),
                                       asio::redirect_error(asio::use_awaitable, ec));
  } else {
    n = co_await socket_.async_read_some(asio::buffer(chunk),
                                         asio::redirect_error(asio::use_awaitable, ec));
  }
  if (ec) co_return;
  pending_.append(chunk, n);
  bytes_read_ += n;
  activity_ = Clock::now();
}

asio::awaitable<std::string> Link::read_line(std::size_t max) {
  std::size_t scanned = 0;
  for (;;) {
    auto lf = pending_.find('\n', scanned);
    if (lf != std::string::npos) {
      std::string line = pending_.substr(0, lf);
      pending_.erase(0, lf + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      co_return line;
    }
    if (pending_.size() > max) {
      throw BadInput(side_, "more than " + std::to_string(max) + " bytes without a line end");
    }
    scanned = pending_.size();
    co_await read_more();
  }
}

asio::awaitable<void> Link::write(std::string_view bytes) {
  boost::system::error_code ec;
  if (tls_) {
    co_await asio::async_write(*tls_, asio::buffer(bytes),
                               asio::redirect_error(asio::use_awaitable, ec));
  } else {
    co_await asio::async_write(socket_, asio::buffer(bytes),
                               asio::redirect_error(asio::use_awaitable, ec));
  }
  if (ec) throw LinkError(side_, ec);
  bytes_written_ += bytes.size();
  activity_ = Clock::now();
}

asio::awaitable<boost::system::error_code> Link::tls_accept(asio::ssl::context& ctx) {
  if (background_running_) co_return asio::error::in_progress;
  tls_.emplace(std::move(socket_), ctx);
  boost::system::error_code ec;
  co_await tls_->async_handshake(asio::ssl::stream_base::server,
                                 asio::redirect_error(asio::use_awaitable, ec));
  if (!ec) activity_ = Clock::now();
  co_return ec;
}

asio::awaitable<boost::system::error_code> Link::tls_connect(asio::ssl::context& ctx,
                                                             const std::string& sni) {
  // A read still running on the plain socket would eat the server's handshake.
  if (background_running_) co_return asio::error::in_progress;
  tls_.emplace(std::move(socket_), ctx);
  if (!sni.empty()) SSL_set_tlsext_host_name(tls_->native_handle(), sni.c_str());
  boost::system::error_code ec;
  co_await tls_->async_handshake(asio::ssl::stream_base::client,
                                 asio::redirect_error(asio::use_awaitable, ec));
  if (!ec) activity_ = Clock::now();
  co_return ec;
}

void Link::shutdown_send() {
  boost::system::error_code ignored;
  socket().shutdown(tcp::socket::shutdown_send, ignored);
}

void Link::close() {
  boost::system::error_code ignored;
  socket().close(ignored);
}

}  // namespace stslab::mitm::detail
