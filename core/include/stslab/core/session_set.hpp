// The live sessions of one server, for every fake (DNS over TCP, HTTPS, SMTP, the attacker):
// stop() takes them all at once and ends each, a session accepted while the server stops is
// refused, and wait_idle() tells when the last one has gone. Sessions are held weakly, so a
// session's lifetime stays its own coroutine's.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace stslab::core {

template <class Session>
class SessionSet {
 public:
  // Adds a session under `id` (0: the set numbers it 1, 2, 3 ...). Returns its id, or 0 when
  // the set is closed: the caller ends the session at once.
  std::uint64_t add(const std::shared_ptr<Session>& session, std::uint64_t id = 0) {
    std::lock_guard lock(mutex_);
    if (closed_) return 0;
    if (id == 0) id = next_id_++;
    live_[id] = session;
    return id;
  }

  void remove(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    live_.erase(id);
    if (live_.empty()) idle_.notify_all();
  }

  // Refuses sessions from now on and returns the live ones for the caller to end (outside any
  // lock of ours: ending one may drop its last reference, whose destructor calls remove()).
  std::vector<std::shared_ptr<Session>> close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    std::vector<std::shared_ptr<Session>> open;
    for (const auto& [id, weak] : live_) {
      if (auto session = weak.lock()) open.push_back(std::move(session));
    }
    return open;
  }

  // Accepts sessions again (a server started after a stop).
  void reopen() {
    std::lock_guard lock(mutex_);
    closed_ = false;
  }

  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }

  bool wait_idle(std::chrono::steady_clock::time_point deadline) const {
    std::unique_lock lock(mutex_);
    return idle_.wait_until(lock, deadline, [&] { return live_.empty(); });
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return live_.size();
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable idle_;
  std::unordered_map<std::uint64_t, std::weak_ptr<Session>> live_;
  std::uint64_t next_id_ = 1;
  bool closed_ = false;
};

}  // namespace stslab::core
