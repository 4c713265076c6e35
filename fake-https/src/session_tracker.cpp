#include "session_tracker.hpp"

#include <vector>

#include "session.hpp"

namespace stslab::https {

std::uint64_t SessionTracker::add(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mutex_);
  if (closing_) return 0;
  const std::uint64_t id = next_id_++;
  live_.emplace(id, session);
  return id;
}

void SessionTracker::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  live_.erase(id);
  if (live_.empty()) idle_.notify_all();
}

void SessionTracker::close_all() {
  std::vector<std::shared_ptr<Session>> sessions;
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    for (const auto& [id, weak] : live_) {
      if (auto s = weak.lock()) sessions.push_back(std::move(s));
    }
  }
  // Outside the lock: a session's last reference may drop here and its destructor calls remove().
  for (const auto& s : sessions)
    s->close();
}

bool SessionTracker::wait_idle(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(mutex_);
  return idle_.wait_until(lock, deadline, [&] { return live_.empty(); });
}

std::size_t SessionTracker::size() const {
  std::lock_guard lock(mutex_);
  return live_.size();
}

}  // namespace stslab::https
