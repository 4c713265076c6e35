#include "stslab/https/server.hpp"

#include <stdexcept>

#include "listener.hpp"
#include "server_state.hpp"
#include "session.hpp"
#include "stslab/https/names.hpp"

namespace stslab::https {
namespace {

using tcp = boost::asio::ip::tcp;

core::Credential mint(core::LabPki& pki, const std::string& host, const CertSpec& spec) {
  if (spec.credential) return *spec.credential;
  return pki.issue(host, spec.profile, spec.key_type);
}

void check_response(const Response& r, const std::string& where) {
  if (r.status < 100 || r.status > 999) {
    throw std::invalid_argument(where + ": status " + std::to_string(r.status) +
                                " is outside 100..999");
  }
}

void check_path(const std::string& path, const std::string& vhost) {
  if (path.empty() || path.front() != '/') {
    throw std::invalid_argument("vhost '" + vhost + "': path '" + path + "' must start with '/'");
  }
}

void check_vhost(const VirtualHost& v) {
  if (normalize_host(v.name).empty()) throw std::invalid_argument("vhost without a name");
  for (const auto& [path, response] : v.routes) {
    check_path(path, v.name);
    check_response(response, "vhost '" + v.name + "' route " + path);
  }
  for (const auto& [path, sink] : v.post_sinks) {
    check_path(path, v.name);
    check_response(sink.reply, "vhost '" + v.name + "' post sink " + path);
  }
}

std::shared_ptr<VhostEntry> build_entry(core::LabPki& pki, VirtualHost v) {
  check_vhost(v);
  auto entry = std::make_shared<VhostEntry>();
  entry->credential = mint(pki, normalize_host(v.name), v.certificate);
  entry->context = core::make_server_context(entry->credential, v.tls);
  entry->config = std::move(v);
  return entry;
}

core::Credential mint_fallback(core::LabPki& pki, const Options& o) {
  return mint(pki, o.fallback_host, o.fallback_certificate);
}

}  // namespace

HttpsServer::State::State(boost::asio::io_context& io_context, core::Journal& journal_ref,
                          core::LabPki& pki_ref, Options opts)
    : io(io_context),
      journal(journal_ref),
      pki(pki_ref),
      options(std::move(opts)),
      selector(vhosts, mint_fallback(pki_ref, options), options.fallback_tls),
      base_context(core::make_server_context(selector.fallback(), options.fallback_tls)) {
  selector.install(base_context->native_handle());
}

HttpsServer::HttpsServer(boost::asio::io_context& io, core::Journal& journal, core::LabPki& pki,
                         Options options)
    : state_(std::make_shared<State>(io, journal, pki, std::move(options))) {}

HttpsServer::~HttpsServer() {
  stop();
  // Sessions reference the journal and PKI the caller owns; give them a moment to finish with
  // them. Waiting on the io_context's own thread would deadlock, so do not.
  if (!state_->io.get_executor().running_in_this_thread()) {
    state_->sessions.wait_idle(std::chrono::steady_clock::now() + std::chrono::seconds(5));
  }
}

std::vector<tcp::endpoint> HttpsServer::start() {
  std::vector<tcp::endpoint> bound;
  for (const auto& e : state_->options.endpoints)
    bound.push_back(open_listener(state_, e));
  return bound;
}

tcp::endpoint HttpsServer::listen(const tcp::endpoint& endpoint) {
  return open_listener(state_, endpoint);
}

void HttpsServer::stop() {
  close_listeners(*state_);
  // Outside any lock: closing a session may drop its last reference.
  for (const auto& session : state_->sessions.close())
    session->close();
}

bool HttpsServer::wait_idle(std::chrono::steady_clock::time_point deadline) const {
  return state_->sessions.wait_idle(deadline);
}

std::size_t HttpsServer::live_sessions() const {
  return state_->sessions.size();
}

std::vector<tcp::endpoint> HttpsServer::endpoints() const {
  std::lock_guard lock(state_->listeners_mutex);
  return state_->bound;
}

void HttpsServer::set_vhost(VirtualHost vhost) {
  state_->vhosts.put(build_entry(state_->pki, std::move(vhost)));
}

void HttpsServer::replace_vhosts(const std::vector<std::string>& remove,
                                 std::vector<VirtualHost> put) {
  std::vector<VhostSnapshot> entries;
  for (auto& vhost : put)
    entries.push_back(build_entry(state_->pki, std::move(vhost)));
  state_->vhosts.replace(remove, std::move(entries));
}

bool HttpsServer::remove_vhost(std::string_view name) {
  return state_->vhosts.remove(name);
}

void HttpsServer::set_route(std::string_view vhost, std::string path, Response response) {
  check_path(path, std::string(vhost));
  check_response(response, "vhost '" + std::string(vhost) + "' route " + path);
  state_->vhosts.update(vhost, [&](VhostEntry& e) {
    e.config.routes[path] = response;
    return true;
  });
}

bool HttpsServer::remove_route(std::string_view vhost, std::string_view path) {
  return state_->vhosts.update(
      vhost, [&](VhostEntry& e) { return e.config.routes.erase(std::string(path)) > 0; });
}

void HttpsServer::set_post_sink(std::string_view vhost, std::string path, PostSink sink) {
  check_path(path, std::string(vhost));
  check_response(sink.reply, "vhost '" + std::string(vhost) + "' post sink " + path);
  state_->vhosts.update(vhost, [&](VhostEntry& e) {
    e.config.post_sinks[path] = sink;
    return true;
  });
}

bool HttpsServer::remove_post_sink(std::string_view vhost, std::string_view path) {
  return state_->vhosts.update(
      vhost, [&](VhostEntry& e) { return e.config.post_sinks.erase(std::string(path)) > 0; });
}

void HttpsServer::set_certificate(std::string_view vhost, CertSpec certificate) {
  const auto current = state_->vhosts.find(vhost);
  if (!current) throw std::out_of_range("no vhost named '" + std::string(vhost) + "'");
  // Mint outside the registry's lock; a concurrent set_tls_bounds is applied on top below.
  const core::Credential credential =
      mint(state_->pki, normalize_host(current->config.name), certificate);
  state_->vhosts.update(vhost, [&](VhostEntry& e) {
    e.config.certificate = certificate;
    e.credential = credential;
    e.context = core::make_server_context(e.credential, e.config.tls);
    return true;
  });
}

void HttpsServer::set_tls_bounds(std::string_view vhost, core::TlsVersionBounds bounds) {
  state_->vhosts.update(vhost, [&](VhostEntry& e) {
    e.config.tls = bounds;
    e.context = core::make_server_context(e.credential, bounds);
    return true;
  });
}

void HttpsServer::set_handshake_alert(std::string_view vhost, std::optional<std::uint8_t> alert) {
  state_->vhosts.update(vhost, [&](VhostEntry& e) {
    e.config.handshake_alert = alert;
    return true;
  });
}

std::optional<VirtualHost> HttpsServer::find_vhost(std::string_view name) const {
  if (auto e = state_->vhosts.find(name)) return e->config;
  return std::nullopt;
}

std::vector<std::string> HttpsServer::vhost_names() const {
  return state_->vhosts.names();
}

core::Credential HttpsServer::credential(std::string_view vhost) const {
  if (auto e = state_->vhosts.find(vhost)) return e->credential;
  throw std::out_of_range("no vhost named '" + std::string(vhost) + "'");
}

const core::Credential& HttpsServer::fallback_credential() const {
  return state_->selector.fallback();
}

std::vector<StoredPost> HttpsServer::posts(std::string_view vhost) const {
  return state_->posts.list(vhost);
}

void HttpsServer::clear_posts() {
  state_->posts.clear();
}

}  // namespace stslab::https
