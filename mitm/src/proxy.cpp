#include "stslab/mitm/proxy.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <sstream>
#include <stdexcept>

#include "proxy_shared.hpp"
#include "session.hpp"
#include "stslab/mitm/attack_registry.hpp"
#include "stslab/mitm/loopback.hpp"

namespace stslab::mitm {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

void start_session(const std::shared_ptr<Proxy::Shared>& shared, tcp::socket socket) {
  std::shared_ptr<detail::Session> session;
  std::uint64_t id = 0;
  {
    std::lock_guard lock(shared->mutex);
    if (shared->stopping) return;  // the socket closes as it goes out of scope
    id = shared->next_session++;
    session = std::make_shared<detail::Session>(shared, id, std::move(socket), shared->attack,
                                                shared->upstream);
  }
  if (shared->sessions.add(session, id) == 0) return;  // stop() came first: never started
  auto executor = session->executor();
  asio::co_spawn(executor, session->run(),
                 [shared, id, session](std::exception_ptr) { shared->sessions.remove(id); });
}

asio::awaitable<void> accept_loop(std::shared_ptr<Proxy::Shared> shared,
                                  std::shared_ptr<tcp::acceptor> acceptor) {
  for (;;) {
    boost::system::error_code ec;
    // Each session gets its own strand: one io_context may run on many threads.
    asio::any_io_executor strand = asio::make_strand(shared->io);
    tcp::socket socket =
        co_await acceptor->async_accept(strand, asio::redirect_error(asio::use_awaitable, ec));
    if (!acceptor->is_open() || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      // E.g. out of file descriptors: say so, back off a moment, keep serving.
      std::ostringstream local;
      local << acceptor->local_endpoint(ec);
      core::events::append(
          shared->journal,
          core::events::MitmAcceptError{.listen = local.str(), .error = ec.message()},
          shared->options.name, shared->options.name);
      asio::steady_timer backoff(acceptor->get_executor(), std::chrono::milliseconds(50));
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    start_session(shared, std::move(socket));
  }
}

}  // namespace

Proxy::Proxy(boost::asio::io_context& io, core::Journal& journal, core::LabPki& pki,
             Options options) {
  if (options.name.empty()) throw std::invalid_argument("mitm: Options.name must name the MX");
  for (const auto& endpoint : options.listen)
    require_loopback(endpoint, "to listen on");
  require_loopback(options.upstream, "to relay to upstream");
  const auto attack_spec = options.attack;
  const auto upstream = options.upstream;
  shared_ = std::make_shared<Shared>(io, journal, pki, std::move(options));
  shared_->upstream = upstream;
  shared_->attack = AttackRegistry::instance().create(attack_spec, {pki, shared_->options.name});
  shared_->upstream_tls = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  shared_->upstream_tls->set_verify_mode(asio::ssl::verify_none);
}

Proxy::~Proxy() {
  stop();
}

void Proxy::start() {
  std::lock_guard lock(shared_->mutex);
  if (shared_->started) throw std::logic_error("mitm: Proxy::start() called twice");
  std::vector<std::shared_ptr<tcp::acceptor>> acceptors;
  std::vector<tcp::endpoint> bound;
  for (const auto& endpoint : shared_->options.listen) {
    auto acceptor = std::make_shared<tcp::acceptor>(asio::make_strand(shared_->io));
    acceptor->open(endpoint.protocol());
    acceptor->set_option(tcp::acceptor::reuse_address(true));
    acceptor->bind(endpoint);  // throws; acceptors opened so far close on unwinding
    acceptor->listen(asio::socket_base::max_listen_connections);
    bound.push_back(acceptor->local_endpoint());
    acceptors.push_back(std::move(acceptor));
  }
  shared_->started = true;
  shared_->acceptors = acceptors;
  shared_->bound = bound;
  for (auto& acceptor : acceptors) {
    asio::co_spawn(acceptor->get_executor(), accept_loop(shared_, acceptor), asio::detached);
  }
}

void Proxy::stop() {
  std::vector<std::shared_ptr<tcp::acceptor>> acceptors;
  std::vector<std::shared_ptr<detail::Session>> sessions;
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;
    acceptors.swap(shared_->acceptors);
    sessions = shared_->sessions.close();
  }
  for (auto& acceptor : acceptors) {
    asio::post(acceptor->get_executor(), [acceptor] {
      boost::system::error_code ignored;
      acceptor->close(ignored);
    });
  }
  for (auto& session : sessions)
    session->stop();
}

const std::string& Proxy::name() const {
  return shared_->options.name;
}

std::vector<boost::asio::ip::tcp::endpoint> Proxy::endpoints() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->bound;
}

void Proxy::set_attack(const AttackSpec& spec) {
  // Build outside the lock: minting an attacker certificate takes a moment.
  auto attack = AttackRegistry::instance().create(spec, {shared_->pki, shared_->options.name});
  std::lock_guard lock(shared_->mutex);
  shared_->attack = std::move(attack);
}

AttackSpec Proxy::attack() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->attack->spec();
}

void Proxy::set_upstream(const boost::asio::ip::tcp::endpoint& upstream) {
  require_loopback(upstream, "to relay to upstream");
  std::lock_guard lock(shared_->mutex);
  shared_->upstream = upstream;
}

boost::asio::ip::tcp::endpoint Proxy::upstream() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->upstream;
}

std::size_t Proxy::active_sessions() const {
  return shared_->sessions.size();
}

}  // namespace stslab::mitm
