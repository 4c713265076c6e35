#include "stslab/core/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace stslab::core {
namespace {

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (pipe2(fd, O_CLOEXEC) != 0)
      throw std::runtime_error(std::string("pipe: ") + strerror(errno));
  }
  ~Pipe() {
    close_end(0);
    close_end(1);
  }
  void close_end(int i) {
    if (fd[i] >= 0) close(fd[i]);
    fd[i] = -1;
  }
};

// The environment for a child: ours with the spec's changes applied.
std::vector<std::string> child_environment(const ProcessSpec& spec) {
  std::map<std::string, std::string> vars;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos) vars[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [name, value] : spec.env) {
    if (value) {
      vars[name] = *value;
    } else {
      vars.erase(name);
    }
  }
  std::vector<std::string> out;
  for (const auto& [name, value] : vars)
    out.push_back(name + "=" + value);
  return out;
}

std::mutex prefix_mutex;
std::vector<std::string> spawn_prefix;

pid_t spawn(const ProcessSpec& spec, posix_spawn_file_actions_t* actions) {
  if (spec.argv.empty()) throw std::runtime_error("spawn: empty command");
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Own process group, so a kill reaches whatever the command starts; default signal mask and
  // dispositions, whatever the harness has blocked.
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(actions, spec.cwd.c_str());

  std::vector<std::string> argv;
  {
    std::lock_guard lock(prefix_mutex);
    argv = spawn_prefix;
  }
  argv.insert(argv.end(), spec.argv.begin(), spec.argv.end());
  std::vector<char*> args;
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  auto env_strings = child_environment(spec);
  std::vector<char*> env;
  for (auto& e : env_strings)
    env.push_back(e.data());
  env.push_back(nullptr);

  // posix_spawnp looks argv[0] up in our PATH, not in the child's environment.
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], actions, &attr, args.data(), env.data());
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw std::runtime_error("cannot start '" + spec.argv[0] + "': " + strerror(rc));
  return pid;
}

std::vector<pid_t> live_group_members(pid_t pgid);

int open_pidfd(pid_t pid) {
  // Via syscall(): glibc 2.36 declares pidfd_open without C linkage for C++ callers.
  const int fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) throw std::runtime_error(std::string("pidfd_open: ") + strerror(errno));
  return fd;
}

}  // namespace

void set_spawn_prefix(std::vector<std::string> prefix) {
  std::lock_guard lock(prefix_mutex);
  spawn_prefix = std::move(prefix);
}

void CappedText::append(const char* data, std::size_t size) {
  if (limit_ == 0) {
    head_.append(data, size);
    return;
  }
  const std::size_t head_room = limit_ / 2 - std::min(head_.size(), limit_ / 2);
  const std::size_t to_head = std::min(head_room, size);
  head_.append(data, to_head);
  data += to_head;
  size -= to_head;
  if (size == 0) return;
  // The tail keeps the last limit - limit/2 octets; it is trimmed once it holds twice that, so
  // appending stays linear.
  const std::size_t tail_limit = limit_ - limit_ / 2;
  tail_.append(data, size);
  if (tail_.size() > 2 * tail_limit) {
    const std::size_t drop = tail_.size() - tail_limit;
    cut_ += drop;
    tail_.erase(0, drop);
  }
}

std::string CappedText::text() const {
  const std::size_t tail_limit = limit_ - limit_ / 2;
  const std::size_t drop = limit_ != 0 && tail_.size() > tail_limit ? tail_.size() - tail_limit : 0;
  if (cut() == 0) return head_ + tail_;
  return head_ + "\n[... " + std::to_string(cut()) + " octets cut ...]\n" + tail_.substr(drop);
}

std::size_t CappedText::cut() const {
  if (limit_ == 0) return 0;
  const std::size_t tail_limit = limit_ - limit_ / 2;
  return cut_ + (tail_.size() > tail_limit ? tail_.size() - tail_limit : 0);
}

ProcessResult run_process(const ProcessSpec& spec, const std::string& input,
                          std::chrono::milliseconds timeout) {
  Pipe in, out, err;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.fd[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err.fd[1], 2);
  pid_t pid = 0;
  try {
    pid = spawn(spec, &actions);
  } catch (...) {
    posix_spawn_file_actions_destroy(&actions);
    throw;
  }
  posix_spawn_file_actions_destroy(&actions);
  in.close_end(0);
  out.close_end(1);
  err.close_end(1);

  ProcessResult result;
  std::size_t written = 0;
  if (input.empty()) in.close_end(1);
  if (in.fd[1] >= 0) fcntl(in.fd[1], F_SETFL, O_NONBLOCK);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[65536];
  CappedText out_text(spec.output_limit), err_text(spec.output_limit);
  while (out.fd[0] >= 0 || err.fd[0] >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      kill(-pid, SIGKILL);
      break;
    }
    pollfd fds[3];
    int n = 0;
    if (out.fd[0] >= 0) fds[n++] = {out.fd[0], POLLIN, 0};
    if (err.fd[0] >= 0) fds[n++] = {err.fd[0], POLLIN, 0};
    if (in.fd[1] >= 0) fds[n++] = {in.fd[1], POLLOUT, 0};
    if (poll(fds, static_cast<nfds_t>(n), static_cast<int>(left.count())) < 0 && errno != EINTR) {
      break;
    }
    for (int i = 0; i < n; ++i) {
      if (!fds[i].revents) continue;
      if (fds[i].fd == in.fd[1]) {
        const ssize_t w = write(in.fd[1], input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<std::size_t>(w);
        if (w < 0 || written == input.size()) in.close_end(1);
        continue;
      }
      const bool is_out = fds[i].fd == out.fd[0];
      const ssize_t r = read(fds[i].fd, buf, sizeof buf);
      if (r > 0) {
        (is_out ? out_text : err_text).append(buf, static_cast<std::size_t>(r));
      } else if (r == 0 || errno != EINTR) {
        (is_out ? out : err).close_end(0);
      }
    }
  }
  result.out = out_text.text();
  result.err = err_text.text();
  result.out_cut = out_text.cut();
  result.err_cut = err_text.cut();
  int status = 0;
  pid_t reaped = 0;
  while ((reaped = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
  }
  if (reaped < 0) {
    // Reaped elsewhere: the lab's teardown (LabNamespace::kill_all) killed it. Never a success.
    result.term_signal = SIGKILL;
    return result;
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
  return result;
}

Child Child::spawn(const ProcessSpec& spec, const std::string& log_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  try {
    pid = core::spawn(spec, &actions);
  } catch (...) {
    posix_spawn_file_actions_destroy(&actions);
    throw;
  }
  posix_spawn_file_actions_destroy(&actions);
  Child child(pid, open_pidfd(pid));
  std::lock_guard lock(prefix_mutex);
  child.behind_wrapper_ = !spawn_prefix.empty();
  return child;
}

Child::Child(Child&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      pidfd_(std::exchange(other.pidfd_, -1)),
      behind_wrapper_(other.behind_wrapper_),
      exited_(other.exited_),
      exit_code_(other.exit_code_) {}

Child& Child::operator=(Child&& other) noexcept {
  if (this != &other) {
    stop(std::chrono::milliseconds(0));
    pid_ = std::exchange(other.pid_, -1);
    pidfd_ = std::exchange(other.pidfd_, -1);
    behind_wrapper_ = other.behind_wrapper_;
    exited_ = other.exited_;
    exit_code_ = other.exit_code_;
  }
  return *this;
}

Child::~Child() {
  stop(std::chrono::milliseconds(0));
}

void Child::reap() {
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    exited_ = true;
    if (WIFEXITED(status)) exit_code_ = WEXITSTATUS(status);
  } else if (errno == ECHILD) {
    exited_ = true;  // reaped elsewhere (the lab's kill_all)
  }
}

bool Child::running() {
  if (pid_ < 0 || exited_) return false;
  reap();
  return !exited_;
}

bool Child::wait_until(std::chrono::steady_clock::time_point deadline) {
  while (running()) {
    const int timeout = poll_timeout(deadline);
    if (timeout == 0) return false;
    pollfd pfd{pidfd_, POLLIN, 0};
    poll(&pfd, 1, timeout);
  }
  return true;
}

void Child::stop(std::chrono::milliseconds grace) {
  if (pid_ < 0) return;
  const pid_t group = pid_;
  const auto group_gone = [&](std::chrono::steady_clock::time_point deadline) {
    wait_until(deadline);  // the leader, our child: reaped here, so it no longer counts
    return wait_for_group_exit(group, deadline);
  };
  const auto signal = [&](int sig) {
    // Behind nsenter (the lab), the program is nsenter's child: signal it and the rest of the
    // group, not nsenter, which then reaps it and exits the same way. Killing nsenter too would
    // leave the program's zombie to the machine's init, which may reap it a second later, and
    // the lab's PID namespace cannot end before it is reaped.
    if (behind_wrapper_) {
      auto members = live_group_members(group);
      members.erase(std::remove(members.begin(), members.end(), group), members.end());
      for (const pid_t member : members)
        kill(member, sig);
      if (!members.empty()) return;
    }
    kill(-group, sig);
  };
  if (!group_gone(std::chrono::steady_clock::now())) {
    if (grace.count() > 0) signal(SIGTERM);
    if (grace.count() <= 0 || !group_gone(std::chrono::steady_clock::now() + grace)) {
      signal(SIGKILL);
      if (!group_gone(std::chrono::steady_clock::now() + std::chrono::seconds(5))) {
        kill(-group, SIGKILL);
        group_gone(std::chrono::steady_clock::now() + std::chrono::seconds(1));
      }
    }
  }
  if (pidfd_ >= 0) close(pidfd_);
  pidfd_ = -1;
  pid_ = -1;
}

int poll_timeout(std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds cap) {
  const auto left =
      std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::clamp(left, std::chrono::milliseconds(0), cap).count());
}

bool wait_for_exit(pid_t pid, std::chrono::steady_clock::time_point deadline) {
  const int fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return errno == ESRCH;
  pollfd pfd{fd, POLLIN, 0};
  int rc = 0;
  do {
    rc = poll(&pfd, 1, poll_timeout(deadline));
  } while (rc < 0 && errno == EINTR);
  close(fd);
  return rc > 0;
}

namespace {

// The live processes of group `pgid`. Zombies do not count: they hold no socket and no file,
// and an orphan waits as one until whoever inherited it reaps it.
std::vector<pid_t> live_group_members(pid_t pgid) {
  std::vector<pid_t> out;
  for (const auto& p : list_processes()) {
    if (p.pgrp == pgid && p.state != 'Z' && p.state != 'X') out.push_back(p.pid);
  }
  return out;
}

}  // namespace

std::vector<ProcessInfo> list_processes() {
  std::vector<ProcessInfo> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const auto name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat;
    std::getline(in, stat);
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    const auto comm_start = stat.find('(');
    const auto comm_end = stat.rfind(')');
    if (comm_start == std::string::npos || comm_end == std::string::npos) continue;
    ProcessInfo p;
    p.pid = static_cast<pid_t>(std::stol(name));
    p.comm = stat.substr(comm_start + 1, comm_end - comm_start - 1);
    std::istringstream fields(stat.substr(comm_end + 1));
    if (!(fields >> p.state >> p.ppid >> p.pgrp)) continue;
    out.push_back(std::move(p));
  }
  return out;
}

bool wait_for_group_exit(pid_t pgid, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const auto members = live_group_members(pgid);
    if (members.empty()) return true;
    if (!wait_for_exit(members.front(), deadline)) return false;
  }
}

}  // namespace stslab::core
