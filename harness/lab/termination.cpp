#include "stslab/harness/termination.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>

extern char** environ;

namespace stslab::harness {
namespace {

std::atomic<bool> g_requested{false};

sigset_t termination_set() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGINT, SIGTERM, SIGHUP})
    sigaddset(&set, s);
  return set;
}

}  // namespace

void block_termination_signals() {
  const sigset_t set = termination_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void on_termination(const char* who, std::function<void(int signal)> teardown) {
  block_termination_signals();
  std::thread([who, teardown = std::move(teardown)] {
    const sigset_t set = termination_set();
    int sig = 0;
    sigwait(&set, &sig);
    std::cerr << "\n" << who << ": interrupted (" << strsignal(sig) << "); tearing down\n";
    g_requested = true;
    teardown(sig);
    _exit(128 + sig);
  }).detach();
}

void remove_after_exit(const std::string& dir) {
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  // "kill -0" also succeeds on a zombie, so the helper waits until this process is reaped.
  const std::string script = "while kill -0 " + std::to_string(getpid()) +
                             " 2>/dev/null; do sleep 0.05; done; rm -rf -- \"$0\"";
  const char* argv[] = {"sh", "-c", script.c_str(), dir.c_str(), nullptr};
  // Not on stslab's output: a parent that reads it to the end before reaping stslab (Python's
  // subprocess.run, a CI wrapper) would wait on the helper, which waits on that reaping.
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  for (int fd : {0, 1, 2})
    posix_spawn_file_actions_addopen(&files, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0);
  pid_t pid = 0;
  posix_spawn(&pid, "/bin/sh", &files, nullptr, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&files);
}

bool termination_requested() {
  return g_requested;
}

int exit_status(int rc) {
  if (g_requested) {
    for (;;)
      pause();  // termination signals are blocked here; the signal thread calls _exit
  }
  return rc;
}

}  // namespace stslab::harness
