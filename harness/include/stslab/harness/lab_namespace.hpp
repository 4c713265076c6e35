// The lab's private corner of the machine: a network namespace (only loopback, up), a mount
// namespace (lab resolv.conf, hosts and CA bundle bind-mounted over the system ones, visible to
// nothing outside), and a PID namespace whose init is a tiny reaper.
//
// Why a PID namespace: MTAs daemonize (Postfix's master leaves its parent). Every process started
// through core::run_process / core::Child after enter() lands in the lab's PID namespace (via
// nsenter: a threaded process cannot enter one itself); the reaper dies with stslab
// (PR_SET_PDEATHSIG), and when a PID namespace's init dies the kernel kills every process in it. So
// nothing outlives a run, even one killed with SIGKILL, and the namespaces have no names to leak
// (`ip netns list` never shows them).
#pragma once

#include <sys/types.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace stslab::harness {

// The lab could not start: not root, a kernel refusal, a missing file. The message says which.
class LabStartError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LabFiles {
  std::string resolv_conf;  // bind-mounted over /etc/resolv.conf
  std::string hosts;        // bind-mounted over /etc/hosts
  std::string ca_bundle;    // bind-mounted over the system CA bundle
};

// The system CA bundle path that ca_bundle replaces.
inline constexpr const char* kSystemCaBundle = "/etc/ssl/certs/ca-certificates.crt";

class LabNamespace {
 public:
  // Moves this process into new network + mount namespaces and prepares a PID namespace for its
  // children. Must be called while the process is still single-threaded (the kernel refuses a
  // private mount namespace to a threaded process). Throws LabStartError.
  static LabNamespace enter(const LabFiles& files);

  LabNamespace(LabNamespace&&) noexcept;
  LabNamespace& operator=(LabNamespace&&) = delete;
  ~LabNamespace();

  // Kills every process in the lab's PID namespace at once (SIGKILL to its init). Idempotent;
  // the destructor calls it. Adapters stop their MTA gracefully before this.
  // What later spawns run behind is `prefix_after` (none by default): Ctrl-C passes a program
  // that fails, so that what other threads start until exit cannot run outside the lab.
  void kill_all(std::vector<std::string> prefix_after = {});

  pid_t reaper_pid() const { return reaper_; }

 private:
  explicit LabNamespace(pid_t reaper) : reaper_(reaper) {}
  pid_t reaper_ = -1;
};

// True if this process can create the lab (effective root). Used for clear errors and skips.
bool can_create_lab();

}  // namespace stslab::harness
