#include "tcp_session.hpp"

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <vector>

#include "stslab/dns/ldns_handles.hpp"

namespace stslab::dns::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;

TcpSession::TcpSession(tcp::socket socket, std::shared_ptr<const ServerContext> context,
                       std::shared_ptr<SessionRegistry> registry)
    : context_(std::move(context)), registry_(std::move(registry)), stream_(std::move(socket)) {
  boost::system::error_code ec;
  const tcp::endpoint local = stream_.socket().local_endpoint(ec);
  const tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
  host_ = local.address().to_string();
  server_ = endpoint_string(local.address(), local.port());
  client_ = endpoint_string(remote.address(), remote.port());
}

void TcpSession::start() {
  asio::co_spawn(stream_.get_executor(), run(shared_from_this()), asio::detached);
}

void TcpSession::shutdown_receive() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->stream_.socket().shutdown(tcp::socket::shutdown_receive, ignored);
  });
}

asio::awaitable<void> TcpSession::run(std::shared_ptr<TcpSession> self) {
  const std::uint64_t id = self->registry_->add(self);
  if (id != 0) {
    try {
      co_await self->serve_frames();
    } catch (const std::exception& e) {
      self->context_->record(
          server_error(e.what(), Transport::tcp, self->client_, self->server_, 0), self->host_);
    }
    self->registry_->remove(id);
  }
  boost::system::error_code ignored;
  self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  self->stream_.close();
}

asio::awaitable<void> TcpSession::serve_frames() {
  const ServerContext& context = *context_;
  const auto idle = context.options.tcp_idle_timeout;
  std::array<std::uint8_t, 2> prefix{};
  std::vector<std::uint8_t> message;
  std::vector<std::uint8_t> frame;
  for (;;) {
    // One deadline for the whole frame: a client that sends half a query and stalls is cut off.
    stream_.expires_after(idle);
    boost::system::error_code ec;
    std::size_t got = co_await asio::async_read(stream_, asio::buffer(prefix),
                                                asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (got > 0) report_cut_frame(ec, got, prefix.size());
      co_return;  // a clean end between frames: the client closed or went idle
    }
    const std::size_t length = ldns_read_uint16(prefix.data());
    if (length > context.options.limits.max_tcp_query) {
      context.record(transport_error("oversized",
                                     "frame of " + std::to_string(length) + " bytes > " +
                                         std::to_string(context.options.limits.max_tcp_query),
                                     Transport::tcp, client_, server_, length),
                     host_);
      co_return;
    }
    message.resize(length);
    got = co_await asio::async_read(stream_, asio::buffer(message),
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      report_cut_frame(ec, prefix.size() + got, prefix.size() + length);
      co_return;
    }

    Exchange ex =
        respond(message, Transport::tcp, context.zone, context.options.limits, client_, server_);
    context.record(ex, host_);
    if (!ex.reply) continue;  // dropped, or a timeout fault: the client waits in vain

    frame.resize(2 + ex.reply->size());
    ldns_write_uint16(frame.data(), static_cast<std::uint16_t>(ex.reply->size()));
    std::copy(ex.reply->begin(), ex.reply->end(), frame.begin() + 2);
    stream_.expires_after(idle);
    co_await asio::async_write(stream_, asio::buffer(frame),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
  }
}

void TcpSession::report_cut_frame(const boost::system::error_code& ec, std::size_t got,
                                  std::size_t expected) {
  const bool stalled = ec == beast::error::timeout;
  const std::string detail =
      "got " + std::to_string(got) + " of " + std::to_string(expected) + " bytes: " + ec.message();
  context_->record(transport_error(stalled ? "stalled_frame" : "truncated_frame", detail,
                                   Transport::tcp, client_, server_, got),
                   host_);
}

}  // namespace stslab::dns::detail
