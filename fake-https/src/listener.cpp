#include "listener.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <stdexcept>

#include "server_state.hpp"
#include "session.hpp"
#include "stslab/core/asio_awaitable.hpp"
#include "stslab/core/events/https.hpp"

namespace stslab::https {
namespace {

using tcp = net::ip::tcp;

bool is_loopback(const net::ip::address& a) {
  return a.is_loopback() || (a.is_v4() && (a.to_v4().to_uint() >> 24) == 127);
}

net::awaitable<void> accept_loop(std::shared_ptr<HttpsServer::State> state,
                                 std::shared_ptr<tcp::acceptor> acceptor) {
  for (;;) {
    // Each connection gets its own strand, so one io_context may run on many threads.
    tcp::socket socket(net::make_strand(state->io));
    boost::system::error_code ec;
    co_await acceptor->async_accept(socket, net::redirect_error(net::use_awaitable, ec));
    if (!acceptor->is_open() || ec == net::error::operation_aborted) co_return;
    if (ec) {
      // Out of descriptors or similar: note it and back off a little instead of spinning.
      core::events::append(state->journal,
                           core::events::HttpsError{.stage = "accept", .error = ec.message()}, "",
                           "");
      net::steady_timer pause(acceptor->get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(net::redirect_error(net::use_awaitable, ec));
      continue;
    }
    auto session = std::make_shared<Session>(state, std::move(socket));
    const std::uint64_t id = state->sessions.add(session);
    if (id == 0) co_return;  // stopping: the session (and its socket) goes away here
    session->set_id(id);
    net::co_spawn(session->executor(), Session::run(session), net::detached);
  }
}

}  // namespace

tcp::endpoint open_listener(const std::shared_ptr<HttpsServer::State>& state,
                            const tcp::endpoint& endpoint) {
  if (!state->options.allow_non_loopback && !is_loopback(endpoint.address())) {
    throw std::invalid_argument("refusing to listen on non-loopback address " +
                                endpoint.address().to_string());
  }
  auto acceptor = std::make_shared<tcp::acceptor>(net::make_strand(state->io));
  acceptor->open(endpoint.protocol());
  acceptor->set_option(net::socket_base::reuse_address(true));
  acceptor->bind(endpoint);
  acceptor->listen(net::socket_base::max_listen_connections);
  const tcp::endpoint bound = acceptor->local_endpoint();
  {
    std::lock_guard lock(state->listeners_mutex);
    if (state->stopped) throw std::logic_error("HttpsServer: listen() after stop()");
    state->listeners.push_back(acceptor);
    state->bound.push_back(bound);
  }
  net::co_spawn(acceptor->get_executor(), accept_loop(state, acceptor), net::detached);
  return bound;
}

void close_listeners(HttpsServer::State& state) {
  std::lock_guard lock(state.listeners_mutex);
  state.stopped = true;
  for (const auto& acceptor : state.listeners) {
    net::post(acceptor->get_executor(), [acceptor] {
      boost::system::error_code ignored;
      acceptor->close(ignored);
    });
  }
}

}  // namespace stslab::https
