#include "tcp_listener.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "tcp_session.hpp"

namespace stslab::dns::detail {

namespace asio = boost::asio;
using asio::ip::tcp;

TcpListener::TcpListener(asio::io_context& io, std::shared_ptr<const ServerContext> context,
                         std::shared_ptr<SessionRegistry> registry, const tcp::endpoint& endpoint)
    : io_(io),
      context_(std::move(context)),
      registry_(std::move(registry)),
      acceptor_(asio::make_strand(io)) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
}

void TcpListener::start() {
  asio::co_spawn(acceptor_.get_executor(), accept_loop(shared_from_this()), asio::detached);
}

void TcpListener::close() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
  });
}

asio::awaitable<void> TcpListener::accept_loop(std::shared_ptr<TcpListener> self) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await self->acceptor_.async_accept(asio::any_io_executor(asio::make_strand(self->io_)),
                                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !self->acceptor_.is_open()) co_return;
    if (ec) {
      // Out of file descriptors or similar: back off briefly instead of spinning.
      asio::steady_timer backoff(self->acceptor_.get_executor(), std::chrono::milliseconds(50));
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    std::make_shared<TcpSession>(std::move(socket), self->context_, self->registry_)->start();
  }
}

}  // namespace stslab::dns::detail
