#include "stslab/harness/adapters/log_follower.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <set>
#include <system_error>

namespace stslab::harness::adapters {

LogFollower::LogFollower(std::vector<std::string> files, LineHandler handler)
    : handler_(std::move(handler)) {
  for (auto& f : files)
    tails_.push_back({std::move(f)});
}

LogFollower::~LogFollower() {
  stop();
}

void LogFollower::start(bool skip_existing) {
  if (skip_existing) {
    for (auto& t : tails_) {
      std::error_code ec;
      const auto size = std::filesystem::file_size(t.path, ec);
      if (!ec) t.offset = static_cast<std::size_t>(size);
    }
  }
  inotify_fd_ = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (inotify_fd_ < 0) throw std::system_error(errno, std::generic_category(), "inotify_init1");
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  std::set<std::string> dirs;
  for (const auto& t : tails_) {
    dirs.insert(std::filesystem::path(t.path).parent_path().string());
  }
  for (const auto& dir : dirs) {
    if (inotify_add_watch(inotify_fd_, dir.c_str(),
                          IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
      throw std::system_error(errno, std::generic_category(), "inotify watch on " + dir);
    }
  }
  thread_ = std::thread([this] { run(); });
}

void LogFollower::run() {
  drain();  // whatever was written before the watches existed
  char events[4096];
  for (;;) {
    pollfd fds[2] = {{inotify_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents) return;
    // The events only say "something changed here"; reading every tail is cheap and simpler
    // than matching names.
    while (read(inotify_fd_, events, sizeof events) > 0) {
    }
    drain();
  }
}

void LogFollower::drain() {
  std::lock_guard lock(drain_mutex_);
  char buf[65536];
  for (std::size_t i = 0; i < tails_.size(); ++i) {
    auto& t = tails_[i];
    const int fd = open(t.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;  // not there yet
    const off_t size = lseek(fd, 0, SEEK_END);
    if (size >= 0 && static_cast<std::size_t>(size) < t.offset) {
      t.offset = 0;  // truncated or replaced: start over
      t.partial.clear();
    }
    for (;;) {
      const ssize_t n = pread(fd, buf, sizeof buf, static_cast<off_t>(t.offset));
      if (n <= 0) break;
      t.offset += static_cast<std::size_t>(n);
      t.partial.append(buf, static_cast<std::size_t>(n));
      std::size_t start = 0;
      for (auto nl = t.partial.find('\n'); nl != std::string::npos;
           nl = t.partial.find('\n', start)) {
        handler_(i, std::string_view(t.partial).substr(start, nl - start));
        start = nl + 1;
      }
      t.partial.erase(0, start);
    }
    close(fd);
  }
}

void LogFollower::stop() {
  if (thread_.joinable()) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto ignored = write(stop_fd_, &one, sizeof one);
    thread_.join();
    drain();
  }
  if (inotify_fd_ >= 0) close(inotify_fd_);
  if (stop_fd_ >= 0) close(stop_fd_);
  inotify_fd_ = stop_fd_ = -1;
}

}  // namespace stslab::harness::adapters
