#include "listener.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "server_impl.hpp"
#include "session.hpp"
#include "stslab/core/events/smtp.hpp"

namespace stslab::smtp::detail {

namespace asio = boost::asio;
using asio::ip::tcp;

Listener::Listener(std::shared_ptr<SmtpServer::Impl> server, std::string vhost,
                   const tcp::endpoint& endpoint)
    : server_(std::move(server)),
      vhost_(std::move(vhost)),
      acceptor_(asio::make_strand(server_->io)) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  endpoint_ = acceptor_.local_endpoint();
}

void Listener::start() {
  asio::co_spawn(
      acceptor_.get_executor(), [self = shared_from_this()] { return self->accept_loop(); },
      asio::detached);
}

void Listener::stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
  });
}

asio::awaitable<void> Listener::accept_loop() {
  while (acceptor_.is_open()) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(
        asio::make_strand(server_->io), asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
    if (ec) {
      // Out of descriptors and the like: note it, give the system a moment, keep listening.
      core::events::append(
          server_->journal,
          core::events::SmtpListenerError{
              .local = endpoint_.address().to_string() + ":" + std::to_string(endpoint_.port()),
              .error = ec.message()},
          "", vhost_);
      asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(20));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    Session::launch(server_, std::move(socket), server_->snapshot(vhost_));
  }
}

}  // namespace stslab::smtp::detail
