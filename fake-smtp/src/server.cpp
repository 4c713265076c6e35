#include "stslab/smtp/server.hpp"

#include <stdexcept>

#include "listener.hpp"
#include "server_impl.hpp"
#include "session.hpp"

namespace stslab::smtp {

using boost::asio::ip::tcp;

// ---- Impl -------------------------------------------------------------------------------

void SmtpServer::Impl::open_listeners(const std::string& name, Entry& entry) {
  std::vector<std::shared_ptr<detail::Listener>> opened;
  try {
    for (const auto& ep : entry.config->listen) {
      opened.push_back(std::make_shared<detail::Listener>(shared_from_this(), name, ep));
    }
  } catch (...) {
    opened.clear();  // closes the acceptors
    throw;
  }
  for (auto& l : opened) {
    l->start();
    entry.listeners.push_back(std::move(l));
  }
}

void SmtpServer::Impl::close_listeners(Entry& entry) {
  for (auto& l : entry.listeners)
    l->stop();
  entry.listeners.clear();
}

SmtpServer::Impl::Entry* SmtpServer::Impl::find(std::string_view name) {
  if (name.empty() || name == default_entry.config->name) return &default_entry;
  auto it = vhosts.find(name);
  return it == vhosts.end() ? nullptr : &it->second;
}

const SmtpServer::Impl::Entry* SmtpServer::Impl::find(std::string_view name) const {
  return const_cast<Impl*>(this)->find(name);
}

detail::VhostSnapshot SmtpServer::Impl::snapshot(const std::string& name) {
  std::lock_guard lock(mutex);
  Entry* entry = find(name);
  if (!entry) entry = &default_entry;  // the vhost was removed meanwhile
  detail::VhostSnapshot snap{entry->config, nullptr};
  if (entry->config->caps.starttls) {
    const auto offset = options.clock ? options.clock->offset() : core::LabClock::duration{};
    if (!entry->tls || entry->tls->clock_offset != offset) {
      entry->tls = detail::make_tls_material(*entry->config, pki, offset);
    }
    snap.tls = entry->tls;
  }
  return snap;
}

void SmtpServer::Impl::add_session(const std::shared_ptr<detail::Session>& s, std::uint64_t id) {
  if (sessions.add(s, id) == 0) s->shutdown();  // accepted while the server was stopping
}

void SmtpServer::Impl::remove_session(std::uint64_t id) {
  sessions.remove(id);
}

std::uint64_t SmtpServer::Impl::store(StoredMessage m) {
  std::lock_guard lock(mutex);
  m.id = next_message_id++;
  messages.push_back(std::move(m));
  return messages.back().id;
}

void SmtpServer::Impl::set_journal_seq(std::uint64_t id, std::uint64_t seq) {
  std::lock_guard lock(mutex);
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    if (it->id == id) {
      it->journal_seq = seq;
      return;
    }
  }
}

// ---- SmtpServer ---------------------------------------------------------------------------

SmtpServer::SmtpServer(boost::asio::io_context& io, core::Journal& journal, core::LabPki& pki,
                       Options options)
    : impl_(std::make_shared<Impl>(io, journal, pki, std::move(options))) {
  impl_->default_entry.config = std::make_shared<const Vhost>(impl_->options.default_vhost);
  for (const auto& v : impl_->options.vhosts) {
    if (v.name == impl_->options.default_vhost.name || impl_->vhosts.count(v.name)) {
      throw std::invalid_argument("duplicate SMTP vhost name '" + v.name + "'");
    }
    impl_->vhosts[v.name].config = std::make_shared<const Vhost>(v);
  }
}

SmtpServer::~SmtpServer() {
  stop();
}

std::vector<tcp::endpoint> SmtpServer::start() {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->running) throw std::logic_error("SmtpServer already started");
    try {
      impl_->open_listeners("", impl_->default_entry);
      for (auto& [name, entry] : impl_->vhosts)
        impl_->open_listeners(name, entry);
    } catch (...) {
      impl_->close_listeners(impl_->default_entry);
      for (auto& [name, entry] : impl_->vhosts)
        impl_->close_listeners(entry);
      throw;
    }
    impl_->running = true;
    impl_->sessions.reopen();
  }
  return endpoints();
}

void SmtpServer::stop() {
  std::vector<std::shared_ptr<detail::Session>> open;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->running = false;
    impl_->close_listeners(impl_->default_entry);
    for (auto& [name, entry] : impl_->vhosts)
      impl_->close_listeners(entry);
    open = impl_->sessions.close();
  }
  for (auto& s : open)
    s->shutdown();
}

std::vector<tcp::endpoint> SmtpServer::endpoints() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<tcp::endpoint> out;
  for (const auto& l : impl_->default_entry.listeners)
    out.push_back(l->endpoint());
  for (const auto& [name, entry] : impl_->vhosts) {
    for (const auto& l : entry.listeners)
      out.push_back(l->endpoint());
  }
  return out;
}

std::vector<tcp::endpoint> SmtpServer::endpoints(std::string_view name) const {
  std::lock_guard lock(impl_->mutex);
  const Impl::Entry* entry = impl_->find(name);
  if (!entry) throw std::invalid_argument("unknown SMTP vhost '" + std::string(name) + "'");
  std::vector<tcp::endpoint> out;
  for (const auto& l : entry->listeners)
    out.push_back(l->endpoint());
  return out;
}

std::vector<tcp::endpoint> SmtpServer::add_vhost(Vhost vhost) {
  std::lock_guard lock(impl_->mutex);
  if (vhost.name == impl_->default_entry.config->name || impl_->vhosts.count(vhost.name)) {
    throw std::invalid_argument("duplicate SMTP vhost name '" + vhost.name + "'");
  }
  Impl::Entry entry;
  entry.config = std::make_shared<const Vhost>(std::move(vhost));
  const std::string name = entry.config->name;
  if (impl_->running) impl_->open_listeners(name, entry);
  std::vector<tcp::endpoint> out;
  for (const auto& l : entry.listeners)
    out.push_back(l->endpoint());
  impl_->vhosts.emplace(name, std::move(entry));
  return out;
}

void SmtpServer::remove_vhost(std::string_view name) {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->vhosts.find(name);
  if (it == impl_->vhosts.end()) {
    throw std::invalid_argument("unknown SMTP vhost '" + std::string(name) + "'");
  }
  impl_->close_listeners(it->second);
  impl_->vhosts.erase(it);
}

void SmtpServer::update_vhost(std::string_view name, const std::function<void(Vhost&)>& change) {
  std::lock_guard lock(impl_->mutex);
  Impl::Entry* entry = impl_->find(name);
  if (!entry) throw std::invalid_argument("unknown SMTP vhost '" + std::string(name) + "'");
  Vhost copy = *entry->config;
  change(copy);
  copy.name = entry->config->name;
  copy.listen = entry->config->listen;
  entry->config = std::make_shared<const Vhost>(std::move(copy));
  entry->tls.reset();  // the certificate or TLS bounds may have changed
}

Vhost SmtpServer::vhost(std::string_view name) const {
  std::lock_guard lock(impl_->mutex);
  const Impl::Entry* entry = impl_->find(name);
  if (!entry) throw std::invalid_argument("unknown SMTP vhost '" + std::string(name) + "'");
  return *entry->config;
}

std::vector<std::string> SmtpServer::vhost_names() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<std::string> out;
  for (const auto& [name, entry] : impl_->vhosts)
    out.push_back(name);
  return out;
}

void SmtpServer::add_reply(std::string_view name, StageReply reply) {
  update_vhost(name, [&](Vhost& v) { v.replies.push_back(reply); });
}
void SmtpServer::clear_replies(std::string_view name) {
  update_vhost(name, [](Vhost& v) { v.replies.clear(); });
}
void SmtpServer::set_capabilities(std::string_view name, Capabilities caps) {
  update_vhost(name, [&](Vhost& v) { v.caps = caps; });
}
void SmtpServer::set_cert(std::string_view name, CertSpec cert) {
  update_vhost(name, [&](Vhost& v) { v.cert = cert; });
}
void SmtpServer::set_tls_bounds(std::string_view name, core::TlsVersionBounds bounds) {
  update_vhost(name, [&](Vhost& v) { v.tls = bounds; });
}
void SmtpServer::set_limits(std::string_view name, Limits limits) {
  update_vhost(name, [&](Vhost& v) { v.limits = limits; });
}

std::vector<StoredMessage> SmtpServer::messages() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->messages;
}

std::optional<StoredMessage> SmtpServer::message(std::uint64_t id) const {
  std::lock_guard lock(impl_->mutex);
  for (const auto& m : impl_->messages) {
    if (m.id == id) return m;
  }
  return std::nullopt;
}

std::vector<StoredMessage> SmtpServer::messages_for(std::string_view domain) const {
  std::lock_guard lock(impl_->mutex);
  std::vector<StoredMessage> out;
  for (const auto& m : impl_->messages) {
    for (const auto& r : m.rcpts) {
      const auto at = r.rfind('@');
      if (at != std::string::npos && core::name_is_at_or_below(r.substr(at + 1), domain)) {
        out.push_back(m);
        break;
      }
    }
  }
  return out;
}

void SmtpServer::clear_messages() {
  std::lock_guard lock(impl_->mutex);
  impl_->messages.clear();
}

std::size_t SmtpServer::active_sessions() const {
  return impl_->sessions.size();
}

}  // namespace stslab::smtp
