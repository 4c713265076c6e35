#pragma once
// An exclusive flock(2) on DIR/lock, held for the object's lifetime. One-shot senders run side
// by side in a lab (one per scenario), so anything they create or rewrite in the shared state
// directory is done under the lock of the directory it lives in.
#include <filesystem>

namespace stslab::sender {

class StateLock {
 public:
  explicit StateLock(const std::filesystem::path& dir);  // creates DIR; throws if it cannot lock
  ~StateLock();
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace stslab::sender
