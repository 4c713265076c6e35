#include "udp_listener.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <vector>

namespace stslab::dns::detail {

namespace asio = boost::asio;
using asio::ip::udp;

UdpListener::UdpListener(asio::io_context& io, std::shared_ptr<const ServerContext> context,
                         const udp::endpoint& endpoint)
    : context_(std::move(context)), socket_(asio::make_strand(io), endpoint) {
  const udp::endpoint bound = socket_.local_endpoint();
  host_ = bound.address().to_string();
  server_ = endpoint_string(bound.address(), bound.port());
}

void UdpListener::start() {
  asio::co_spawn(socket_.get_executor(), serve(shared_from_this()), asio::detached);
}

void UdpListener::close() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->socket_.close(ignored);
  });
}

asio::awaitable<void> UdpListener::serve(std::shared_ptr<UdpListener> self) {
  const ServerContext& context = *self->context_;
  // Large enough for any datagram, so an oversized query is seen whole and answered FORMERR.
  std::vector<std::uint8_t> buffer(65536);
  for (;;) {
    udp::endpoint from;
    boost::system::error_code ec;
    const std::size_t size = co_await self->socket_.async_receive_from(
        asio::buffer(buffer), from, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !self->socket_.is_open()) co_return;
    if (ec) continue;  // e.g. an ICMP error for an earlier reply; the socket still works
    try {
      Exchange ex =
          respond({buffer.data(), size}, Transport::udp, context.zone, context.options.limits,
                  endpoint_string(from.address(), from.port()), self->server_);
      context.record(ex, self->host_);
      if (ex.reply)
        co_await self->socket_.async_send_to(asio::buffer(*ex.reply), from,
                                             asio::redirect_error(asio::use_awaitable, ec));
    } catch (const std::exception& e) {
      // Only resource exhaustion gets here; record it and keep serving.
      context.record(
          server_error(e.what(), Transport::udp, endpoint_string(from.address(), from.port()),
                       self->server_, size),
          self->host_);
    }
  }
}

}  // namespace stslab::dns::detail
