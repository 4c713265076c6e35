// Child processes with deadlines: one-shot commands whose output we keep (adapters' submit and
// status commands, real clients in tests), and long-running ones we supervise (an MTA, a policy
// daemon). Waits use pidfds, so "wait with a deadline" never polls or sleeps.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace stslab::core {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is searched in PATH
  // Changes to this process's environment: {name, value} sets, {name, nullopt} removes.
  std::vector<std::pair<std::string, std::optional<std::string>>> env;
  std::string cwd;  // empty = inherit
  // run_process keeps at most this many octets of stdout and of stderr each: the first and
  // the last half, with a marker line between them naming how many were cut (a program that
  // prints 50 MB must not cost the harness 50 MB). 0 = keep everything.
  std::size_t output_limit = 0;
};

struct ProcessResult {
  int exit_code = -1;      // -1 unless the process exited normally
  int term_signal = 0;     // the signal that ended it, if any
  bool timed_out = false;  // the deadline passed and it was killed
  std::string out;
  std::string err;
  std::size_t out_cut = 0;  // octets of stdout left out by ProcessSpec::output_limit
  std::size_t err_cut = 0;
};

// The text run_process keeps of a stream under a limit: the head and the tail.
class CappedText {
 public:
  explicit CappedText(std::size_t limit) : limit_(limit) {}
  void append(const char* data, std::size_t size);
  std::size_t cut() const;  // octets left out
  // head, then "\n[... N octets cut ...]\n" if anything was, then the tail.
  std::string text() const;

 private:
  std::size_t limit_;
  std::string head_, tail_;
  std::size_t cut_ = 0;
};

// Every program this process starts is run behind this prefix (e.g. {"nsenter", "--target",
// "1234", "--pid", "--"}), so that the lab can put its children into its PID namespace: a
// process that has threads cannot enter one itself. Empty (the default) = no prefix.
void set_spawn_prefix(std::vector<std::string> prefix);

// Runs to completion with `input` on stdin, capturing stdout and stderr; kills the process
// group at the deadline. Throws std::runtime_error if the program cannot be started.
ProcessResult run_process(const ProcessSpec& spec, const std::string& input = "",
                          std::chrono::milliseconds timeout = std::chrono::seconds(20));

// A supervised long-running child in its own process group, stdout and stderr appended to a log.
class Child {
 public:
  static Child spawn(const ProcessSpec& spec, const std::string& log_path);

  Child(Child&& other) noexcept;
  Child& operator=(Child&& other) noexcept;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child();  // kills the group if still running

  pid_t pid() const { return pid_; }
  bool running();
  // Waits until the child exits or the deadline passes; true if it exited.
  bool wait_until(std::chrono::steady_clock::time_point deadline);
  std::optional<int> exit_code() const { return exit_code_; }
  // SIGTERM to the group, then SIGKILL if the group is not gone within `grace` (0: SIGKILL at
  // once). Returns once every process of the group has exited, not only the one spawned: in
  // the lab that one is nsenter, and the program behind it dies a moment later.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(2));

 private:
  Child(pid_t pid, int pidfd) : pid_(pid), pidfd_(pidfd) {}
  void reap();
  pid_t pid_ = -1;
  int pidfd_ = -1;
  bool behind_wrapper_ = false;  // spawned behind the spawn prefix (nsenter into the lab)
  bool exited_ = false;
  std::optional<int> exit_code_;
};

// The timeout for poll() that ends at `deadline`: milliseconds, rounded up (a wait never ends
// just short of it), 0 once it has passed, at most `cap`.
int poll_timeout(std::chrono::steady_clock::time_point deadline,
                 std::chrono::milliseconds cap = std::chrono::hours(1));

// One line of the process table, as /proc/<pid>/stat has it.
struct ProcessInfo {
  pid_t pid = 0;
  std::string comm;  // the command name (at most 15 characters)
  char state = '?';  // R, S, D, Z, ...
  pid_t ppid = 0;
  pid_t pgrp = 0;
};
std::vector<ProcessInfo> list_processes();

// Waits until process `pid` (any process this one can see, not only a child) has exited or the
// deadline passes (a pidfd, no polling). True if it is gone.
bool wait_for_exit(pid_t pid, std::chrono::steady_clock::time_point deadline);

// Waits until no live process is left in process group `pgid` or the deadline passes. True if
// none is left. A daemon's children (Postfix's smtpd, which holds the listening socket) outlive
// its master by a few milliseconds; in the lab a program outlives the nsenter in front of it.
bool wait_for_group_exit(pid_t pgid, std::chrono::steady_clock::time_point deadline);

}  // namespace stslab::core
