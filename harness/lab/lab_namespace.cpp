#include "stslab/harness/lab_namespace.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "stslab/core/process.hpp"

namespace stslab::harness {
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw LabStartError("cannot start the lab: " + what + ": " + std::strerror(errno));
}

void bring_loopback_up() {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail("socket for loopback setup");
  ifreq req{};
  std::strncpy(req.ifr_name, "lo", IFNAMSIZ - 1);
  if (ioctl(fd, SIOCGIFFLAGS, &req) != 0) {
    close(fd);
    fail("reading the flags of lo");
  }
  req.ifr_flags = static_cast<short>(req.ifr_flags | IFF_UP | IFF_RUNNING);
  if (ioctl(fd, SIOCSIFFLAGS, &req) != 0) {
    close(fd);
    fail("bringing lo up");
  }
  close(fd);
}

void bind_over(const std::string& source, const char* target) {
  if (source.empty()) return;
  if (access(target, F_OK) != 0) {
    errno = ENOENT;
    fail(std::string("the system file ") + target + " (needed as a bind-mount target)");
  }
  if (mount(source.c_str(), target, nullptr, MS_BIND, nullptr) != 0) {
    fail("bind-mounting " + source + " over " + target);
  }
}

// PID 1 of the lab's PID namespace: reaps orphans (daemonized MTAs are reparented here) until
// stslab dies, then dies too, which makes the kernel kill the whole namespace.
// `alive` is the read end of a pipe whose write end only stslab holds: it reads as hung up once
// stslab is gone. (getppid() cannot tell: stslab lives outside this PID namespace, so it is 0.)
[[noreturn]] void run_reaper(int alive) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  pollfd pfd{alive, POLLIN, 0};
  if (poll(&pfd, 1, 0) != 0) _exit(0);  // stslab died before the line above took effect
  prctl(PR_SET_NAME, "stslab-reaper");
  // The lab init ignores job-control signals; only stslab decides when it ends.
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  for (;;) {
    if (waitpid(-1, nullptr, 0) < 0 && errno == ECHILD) pause();
  }
}

}  // namespace

bool can_create_lab() {
  return geteuid() == 0;
}

LabNamespace LabNamespace::enter(const LabFiles& files) {
  if (!can_create_lab()) {
    throw LabStartError(
        "cannot start the lab: stslab needs root to create its network and mount namespaces "
        "(run it as root, e.g. with sudo)");
  }
  if (unshare(CLONE_NEWNET | CLONE_NEWNS) != 0) fail("unshare(network + mount namespaces)");
  // Make every mount private first, so the bind mounts below never propagate to the host.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    fail("making the mount tree private");
  }
  bring_loopback_up();
  bind_over(files.resolv_conf, "/etc/resolv.conf");
  bind_over(files.hosts, "/etc/hosts");
  bind_over(files.ca_bundle, kSystemCaBundle);

  // The reaper is born into a new PID namespace (clone with CLONE_NEWPID), so this process stays
  // where it is: one that unshares its own PID namespace can no longer start threads. Every
  // later child joins the reaper's namespace through nsenter (core::set_spawn_prefix).
  int alive[2];
  if (pipe2(alive, O_CLOEXEC) != 0) fail("pipe for the lab's init process");
  const pid_t reaper = static_cast<pid_t>(
      syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, nullptr, nullptr, nullptr, nullptr));
  if (reaper < 0) fail("clone of the lab's init process (new PID namespace)");
  if (reaper == 0) {
    close(alive[1]);
    run_reaper(alive[0]);
  }
  close(alive[0]);  // the write end stays open, unused, for as long as stslab lives
  core::set_spawn_prefix({"nsenter", "--target", std::to_string(reaper), "--pid", "--"});
  return LabNamespace(reaper);
}

LabNamespace::LabNamespace(LabNamespace&& other) noexcept : reaper_(other.reaper_) {
  other.reaper_ = -1;
}

LabNamespace::~LabNamespace() {
  kill_all();
}

void LabNamespace::kill_all(std::vector<std::string> prefix_after) {
  if (reaper_ <= 0) return;
  core::set_spawn_prefix(std::move(prefix_after));
  kill(reaper_, SIGKILL);
  waitpid(reaper_, nullptr, 0);
  reaper_ = -1;
  // The nsenter in front of each lab process lives outside the namespace: its program is gone
  // now, and it exits on its own a moment later. Ctrl-C can end stslab before that moment, so
  // the ones still here are ended and reaped now, and nothing outlives the run.
  for (const auto& p : core::list_processes()) {
    if (p.ppid == getpid() && p.comm == "nsenter") {
      kill(p.pid, SIGKILL);
      waitpid(p.pid, nullptr, 0);
    }
  }
}

}  // namespace stslab::harness
