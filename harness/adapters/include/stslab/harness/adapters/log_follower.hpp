// Follows growing log files (tail -F without polling): an inotify watch on each file's directory
// wakes a thread that reads whatever was appended and hands over complete lines. Files may
// appear after start(); their directories must exist.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace stslab::harness::adapters {

class LogFollower {
 public:
  // Called with the index of the file in `files` and one line without its newline. Runs on the
  // follower's thread (or on the caller of drain()/stop()), one call at a time.
  using LineHandler = std::function<void(std::size_t file, std::string_view line)>;

  LogFollower(std::vector<std::string> files, LineHandler handler);
  ~LogFollower();  // stop()
  LogFollower(const LogFollower&) = delete;
  LogFollower& operator=(const LogFollower&) = delete;

  // Throws std::system_error if inotify cannot watch a directory. With `skip_existing`, lines
  // already in the files are not handed over (a restarted sender's old log is not news).
  void start(bool skip_existing = false);
  // Reads every file up to its end now, on the calling thread.
  void drain();
  // Stops the thread after a last drain(). Idempotent.
  void stop();

 private:
  struct Tail {
    std::string path;
    std::size_t offset = 0;
    std::string partial;  // an unfinished last line
  };
  void run();

  std::vector<Tail> tails_;
  LineHandler handler_;
  std::mutex drain_mutex_;
  int inotify_fd_ = -1;
  int stop_fd_ = -1;  // eventfd
  std::thread thread_;
};

}  // namespace stslab::harness::adapters
