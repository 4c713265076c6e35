// stslab::harness::adapters — MTA adapters as data.
//
// Public API
//   adapter.hpp (shared)  MtaAdapter, make_adapter(name), adapter_names(): targets come from
//                         every <data_root()>/adapters/*/manifest.yaml ("postfix",
//                         "postfix-plain" from harness/adapters/postfix/).
//   manifest.hpp          Manifest / Target: the YAML as structs; load_manifest(), data_root()
//                         ($STSLAB_DATA_DIR, else the source tree, else share/stslab).
//   ManifestAdapter       (here) runs one target of a manifest: renders its templates into
//                         LabContext::workdir, starts `early` services, runs `prepare`, starts
//                         the other services (waiting until each accepts connections), follows
//                         its logs into the journal (Source::mta: mta.delivery, mta.tls,
//                         mta.policy, mta.lifecycle; docs/events/harness-adapters.md), and runs
//                         the submit / flush / queue / clear_cache commands.
//   template.hpp          render(): {{placeholder}} substitution.
//   log_parser.hpp, log_follower.hpp, postqueue.hpp, waits.hpp: the pieces, testable alone.
//
//   auto mta = stslab::harness::make_adapter("postfix");
//   mta->start(lab);  // inside the lab namespaces, as root; workdir reachable by user postfix
//   mta->submit({.from = "s@sender.test", .to = "m1@a.test", .path = "/tmp/m1.eml"});
//   journal.wait_for({.domain = "a.test", .kind = "mta.delivery"}, deadline);
//   mta->flush(); mta->queue(); mta->clear_policy_cache(); mta->stop();
//
// Thread safety: submit, flush, queue, versions and clear_policy_cache may be called from
// several threads at once; start and stop may not overlap anything else. Programs are started
// with core::run_process / core::Child, so they land wherever the lab puts children
// (core::set_spawn_prefix).
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "stslab/core/process.hpp"
#include "stslab/harness/adapter.hpp"
#include "stslab/harness/adapters/log_follower.hpp"
#include "stslab/harness/adapters/manifest.hpp"
#include "stslab/harness/adapters/template.hpp"

namespace stslab::harness::adapters {

// The placeholders the lab defines for a target: workdir, ca_bundle, dns_address, mta_address,
// sender_domain, faketime_file, data_dir, and the target's variables (rendered with the rest).
Variables lab_variables(const Manifest& manifest, const Target& target, const LabContext& lab);

// The target's config files: workdir-relative path -> rendered content. Throws TemplateError or
// ManifestError (an unreadable template).
std::map<std::string, std::string> render_configs(const Manifest& manifest, const Target& target,
                                                  const Variables& vars);

// The first file matching the manifest's faketime.library globs; "" if none is installed.
std::string find_faketime_library(const Manifest& manifest);

class ManifestAdapter : public MtaAdapter {
 public:
  // Throws std::invalid_argument if the manifest has no such target.
  ManifestAdapter(Manifest manifest, std::string target);
  ~ManifestAdapter() override;  // stop(), errors swallowed

  std::string name() const override;
  // time_control: before start(), whether libfaketime is installed; after, whether the sender
  // really runs under it (the lab gave a faketime_file).
  Capabilities capabilities() const override;
  nlohmann::json versions() const override;

  void start(const LabContext& lab) override;
  void submit(const OutgoingMessage& message) override;
  void flush() override;
  std::vector<QueueEntry> queue() override;
  void clear_policy_cache() override;
  void stop() override;

 private:
  // The work directory: its directories (owners, modes) and the rendered config files.
  void write_workdir();
  // The manifest's prepare commands, in order; throws naming the first that fails.
  void run_prepare();
  static constexpr auto kServiceReadyTimeout = std::chrono::seconds(15);
  static constexpr auto kCommandTimeout = std::chrono::seconds(30);
  static constexpr auto kDaemonExitTimeout = std::chrono::seconds(10);
  struct Running {
    const Service* spec = nullptr;
    std::optional<core::Child> child;  // services with `run`
    bool daemon = false;               // services with `start`
  };

  core::ProcessResult run(const core::ProcessSpec& spec, const std::string& input,
                          std::chrono::milliseconds timeout) const;
  core::Child spawn(const core::ProcessSpec& spec, const std::string& log) const;
  core::ProcessSpec spec_for(const Argv& argv, bool faketime, const Variables& extra = {}) const;
  core::ProcessResult run_checked(const std::string& what, const Command& command,
                                  const Variables& extra = {}, const std::string& input = "");
  void launch(Running& service);
  void await_ready(Running& service, std::chrono::steady_clock::time_point deadline);
  // Returns the pid (as seen here) of the daemon it waited for, if it found one.
  std::optional<pid_t> stop_service(Running& service);
  [[noreturn]] void fail_service(const Service& service, const std::string& what) const;
  void follow_logs();
  // Journals an mta.lifecycle event: how long a step of start() or stop() took.
  void note(const std::string& step, const std::string& service,
            std::chrono::steady_clock::time_point since,
            std::optional<std::int64_t> pid = std::nullopt) const;
  void shutdown() noexcept;

  Manifest manifest_;
  Target target_;
  LabContext lab_;
  std::string pid_namespace_;  // where the programs we start live (the lab's, in a lab)
  Variables vars_;
  std::vector<std::pair<std::string, std::optional<std::string>>> env_;
  std::string faketime_library_;  // non-empty: services marked faketime run under it
  std::vector<Running> services_;
  std::unique_ptr<LogFollower> follower_;
  std::atomic<bool> started_ = false;
  std::mutex services_mutex_;
  mutable std::mutex versions_mutex_;
  mutable std::optional<nlohmann::json> versions_;
};

}  // namespace stslab::harness::adapters
