#include "session_registry.hpp"

namespace stslab::dns::detail {

std::uint64_t SessionRegistry::add(const std::shared_ptr<TcpSession>& session) {
  std::lock_guard lock(mutex_);
  if (closed_) return 0;
  const std::uint64_t id = next_id_++;
  sessions_.emplace(id, session);
  return id;
}

void SessionRegistry::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
}

std::vector<std::shared_ptr<TcpSession>> SessionRegistry::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  std::vector<std::shared_ptr<TcpSession>> open;
  for (const auto& [id, weak] : sessions_)
    if (auto session = weak.lock()) open.push_back(std::move(session));
  return open;
}

std::size_t SessionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace stslab::dns::detail
