// ManifestAdapter's services: start each (launch, wait until ready), follow their logs into the
// journal, stop them (graceful, then by pid). The rest of the adapter is manifest_adapter.cpp.
#include <signal.h>

#include <filesystem>
#include <stdexcept>

#include "process_text.hpp"
#include "stslab/harness/adapters/manifest_adapter.hpp"
#include "stslab/harness/adapters/mta_log_journal.hpp"
#include "stslab/harness/adapters/waits.hpp"

namespace stslab::harness::adapters {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

}  // namespace

void ManifestAdapter::follow_logs() {
  std::vector<FollowedLog> logs;
  for (const auto& log : manifest_.logs) {
    if (target_.has(log.when)) logs.push_back({render(log.file, vars_, manifest_.path), log.rules});
  }
  follower_ = follow_into_journal(logs, *lab_.journal);
}

[[noreturn]] void ManifestAdapter::fail_service(const Service& service,
                                                const std::string& what) const {
  std::string message = target_.name + ": cannot start " + service.name + ": " + what;
  for (const auto& file : {service.output, service.log}) {
    if (file.empty()) continue;
    const auto path = render(file, vars_);
    const auto tail = tail_of_file(path);
    message += "\n--- last lines of " + path + " ---\n" + (tail.empty() ? "(empty)\n" : tail);
  }
  throw std::runtime_error(message);
}

void ManifestAdapter::launch(Running& r) {
  const Service& s = *r.spec;
  for (const auto& file : {s.output, s.log}) {
    if (!file.empty()) fs::create_directories(fs::path(render(file, vars_)).parent_path());
  }
  if (!s.run.empty()) {
    r.child = spawn(spec_for(s.run, s.faketime), render(s.output, vars_, manifest_.path));
    return;
  }
  const auto spec = spec_for(s.start, s.faketime);
  const auto result = run(spec, "", kCommandTimeout);
  if (!succeeded(result)) fail_service(s, join(spec.argv) + " failed: " + describe(result));
  r.daemon = true;
}

void ManifestAdapter::await_ready(Running& r, Clock::time_point deadline) {
  const Service& s = *r.spec;
  if (s.ready.tcp.empty()) return;
  // A daemon logging its start-up wakes the wait at once; otherwise a short backoff.
  std::vector<std::string> watch_dirs;
  for (const auto& file : {s.output, s.log}) {
    if (!file.empty()) watch_dirs.push_back(fs::path(render(file, vars_)).parent_path().string());
  }
  std::function<bool()> alive;
  if (r.child) alive = [&r] { return r.child->running(); };
  const auto where = render(s.ready.tcp, vars_, manifest_.path);
  if (wait_for_tcp(where, deadline, watch_dirs, alive)) return;
  if (alive && !alive()) {
    const auto code = r.child->exit_code();
    fail_service(s, "it exited (" + (code ? "code " + std::to_string(*code) : "on a signal") +
                        ") before accepting connections on " + where);
  }
  fail_service(s, "nothing accepted connections on " + where + " within " +
                      std::to_string(kServiceReadyTimeout.count()) + " s");
}

std::optional<pid_t> ManifestAdapter::stop_service(Running& r) {
  const Service& s = *r.spec;
  if (r.child) {
    // The child leads its own process group; behind a spawn prefix (nsenter) the program itself
    // is a member that may outlive the leader, so wait for the whole group.
    const pid_t group = r.child->pid();
    r.child->stop(s.stop_grace);
    r.child.reset();
    if (!wait_for_group_exit(group, Clock::now() + kDaemonExitTimeout)) {
      throw std::runtime_error(target_.name + ": " + s.name + " did not exit within " +
                               std::to_string(kDaemonExitTimeout.count()) + " s");
    }
  }
  if (r.daemon) {
    r.daemon = false;
    // The pid file holds the pid inside the lab's PID namespace; find the one we can wait on
    // before asking the daemon to go.
    std::optional<pid_t> pid;
    if (!s.pid_file.empty()) {
      try {
        const auto text = read_file(render(s.pid_file, vars_, manifest_.path));
        pid = pid_in_namespace(pid_namespace_, static_cast<pid_t>(std::stol(text)));
      } catch (const std::exception&) {
        // No pid file (it never started): nothing to wait for.
      }
    }
    const auto spec = spec_for(s.stop, false);
    const auto result = run(spec, "", kCommandTimeout);
    if (!succeeded(result)) {
      throw std::runtime_error(target_.name + ": " + join(spec.argv) +
                               " failed: " + describe(result));
    }
    // The master leads its own process group (it called setsid()); its children exit after it.
    const auto deadline = Clock::now() + kDaemonExitTimeout;
    if (pid && !(wait_for_exit(*pid, deadline) && wait_for_group_exit(*pid, deadline))) {
      throw std::runtime_error(target_.name + ": " + s.name + " and its children did not exit " +
                               "within " + std::to_string(kDaemonExitTimeout.count()) + " s of " +
                               join(spec.argv));
    }
    return pid;
  }
  return std::nullopt;
}

}  // namespace stslab::harness::adapters
