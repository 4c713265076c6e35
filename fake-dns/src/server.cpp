#include "stslab/dns/server.hpp"

#include <boost/system/system_error.hpp>
#include <mutex>
#include <stdexcept>

#include "server_context.hpp"
#include "session_registry.hpp"
#include "tcp_listener.hpp"
#include "tcp_session.hpp"
#include "udp_listener.hpp"

namespace stslab::dns {

namespace asio = boost::asio;

std::string detail::endpoint_string(const asio::ip::address& address, unsigned short port) {
  if (address.is_v6()) return "[" + address.to_string() + "]:" + std::to_string(port);
  return address.to_string() + ":" + std::to_string(port);
}

std::string Endpoint::to_string() const {
  return detail::endpoint_string(address, port);
}

struct DnsServer::State {
  State(asio::io_context& io_context, std::shared_ptr<const detail::ServerContext> ctx)
      : io(io_context), context(std::move(ctx)) {}

  asio::io_context& io;
  std::shared_ptr<const detail::ServerContext> context;
  std::shared_ptr<detail::SessionRegistry> registry = std::make_shared<detail::SessionRegistry>();
  mutable std::mutex mutex;
  bool started = false;
  bool stopped = false;
  std::vector<std::shared_ptr<detail::UdpListener>> udp;
  std::vector<std::shared_ptr<detail::TcpListener>> tcp;
  std::vector<Endpoint> bound;

  // Binds TCP and UDP on the same port. For port 0 the TCP port is picked first; if UDP is
  // taken on that port, try another.
  void bind(const Endpoint& wanted) {
    constexpr int kAttempts = 64;
    for (int attempt = 1;; ++attempt) {
      auto tcp_listener = std::make_shared<detail::TcpListener>(
          io, context, registry, asio::ip::tcp::endpoint(wanted.address, wanted.port));
      const std::uint16_t port = tcp_listener->local_endpoint().port();
      try {
        auto udp_listener = std::make_shared<detail::UdpListener>(
            io, context, asio::ip::udp::endpoint(wanted.address, port));
        tcp.push_back(std::move(tcp_listener));
        udp.push_back(std::move(udp_listener));
        bound.push_back({wanted.address, port});
        return;
      } catch (const boost::system::system_error& e) {
        if (wanted.port != 0 || e.code() != asio::error::address_in_use || attempt == kAttempts)
          throw;
      }
    }
  }
};

DnsServer::DnsServer(asio::io_context& io, core::Journal& journal, Zone& zone,
                     ServerOptions options)
    : state_(std::make_shared<State>(
          io, std::make_shared<const detail::ServerContext>(
                  detail::ServerContext{journal, zone, std::move(options)}))) {}

DnsServer::~DnsServer() {
  stop();
}

std::vector<Endpoint> DnsServer::start() {
  std::lock_guard lock(state_->mutex);
  if (state_->started) throw std::invalid_argument("DnsServer::start called twice");
  const auto& endpoints = state_->context->options.endpoints;
  if (endpoints.empty()) throw std::invalid_argument("DnsServer: no endpoints configured");
  for (const auto& ep : endpoints)
    if (!ep.address.is_loopback())
      throw std::invalid_argument("DnsServer: refusing to listen on non-loopback " +
                                  ep.to_string());
  if (state_->stopped) throw std::invalid_argument("DnsServer::start called after stop");
  try {
    for (const auto& ep : endpoints)
      state_->bind(ep);
  } catch (...) {
    // Nothing was started yet: dropping the listeners closes what did bind.
    state_->udp.clear();
    state_->tcp.clear();
    state_->bound.clear();
    throw;
  }
  for (auto& listener : state_->udp)
    listener->start();
  for (auto& listener : state_->tcp)
    listener->start();
  state_->started = true;
  return state_->bound;
}

void DnsServer::stop() {
  std::lock_guard lock(state_->mutex);
  if (state_->stopped) return;
  state_->stopped = true;
  for (auto& listener : state_->udp)
    listener->close();
  for (auto& listener : state_->tcp)
    listener->close();
  for (auto& session : state_->registry->close())
    session->shutdown_receive();
}

std::vector<Endpoint> DnsServer::endpoints() const {
  std::lock_guard lock(state_->mutex);
  return state_->bound;
}

std::size_t DnsServer::open_tcp_sessions() const {
  return state_->registry->size();
}

}  // namespace stslab::dns
