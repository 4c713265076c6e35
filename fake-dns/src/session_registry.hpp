// The open TCP sessions of one server, so stop() can reach them (internal to fake-dns).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace stslab::dns::detail {

class TcpSession;

class SessionRegistry {
 public:
  // Returns 0 if the server is already stopping: the session must end at once.
  std::uint64_t add(const std::shared_ptr<TcpSession>& session);
  void remove(std::uint64_t id);
  // Refuses new sessions and returns the open ones.
  std::vector<std::shared_ptr<TcpSession>> close();
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  bool closed_ = false;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, std::weak_ptr<TcpSession>> sessions_;
};

}  // namespace stslab::dns::detail
