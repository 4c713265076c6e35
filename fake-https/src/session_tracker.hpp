// The live sessions of a server, so stop() can close them all and wait_idle() can tell when they
// have ended.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace stslab::https {

class Session;

class SessionTracker {
 public:
  // Registers a session and returns its id, or 0 when the server is stopping (drop the session).
  std::uint64_t add(const std::shared_ptr<Session>& session);
  void remove(std::uint64_t id);
  // Closes every live session and refuses new ones.
  void close_all();
  bool wait_idle(std::chrono::steady_clock::time_point deadline) const;
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable idle_;
  std::unordered_map<std::uint64_t, std::weak_ptr<Session>> live_;
  std::uint64_t next_id_ = 1;
  bool closing_ = false;
};

}  // namespace stslab::https
