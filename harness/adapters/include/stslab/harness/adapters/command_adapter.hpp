// CommandAdapter runs one target of a sender driven by shell lines (command_manifest.hpp):
// every step is a shell command line run by /bin/sh -c inside the lab (core::run_process /
// core::Child, so it lands wherever the lab puts children), under libfaketime when the target
// says time_control: faketime and the lab moves time.
//
// Placeholders: what the lab supplies ({{workdir}}, {{state_dir}}, {{from}}, {{to}},
// {{message}}, ...) is shell-quoted; a target's variables are inserted as written (they are
// shell text, e.g. "--defect no-cert-verify"). Environment of every command: STSLAB_WORKDIR,
// STSLAB_STATE_DIR, STSLAB_LAB_STATE_DIR, STSLAB_CA_BUNDLE, STSLAB_DNS, SSL_CERT_FILE = the lab
// bundle, SSL_CERT_DIR and the proxy variables removed, then the manifest's `environment`.
//
// State directories: {{lab_state_dir}} (STSLAB_LAB_STATE_DIR) is one directory for the whole
// run. {{state_dir}} (STSLAB_STATE_DIR) is the same for a daemon and for the commands run once
// (start, dns_records, versions, stop); for a one-shot sender's submit, clear_cache and report
// it is the directory of the message's (or policy) domain, <workdir>/scenario-state/<domain>:
// scenarios use disjoint domains, so a sender that keeps its policy cache in one file cannot
// race with itself when submits run side by side. `shared_state: yes` gives one-shot commands
// the lab-wide directory instead and runs them one at a time.
//
// One-shot senders: submit() runs the command once and journals (Source::mta) an mta.delivery
// event from its exit status and JSON line before returning; flush() re-runs it for every
// message still deferred (or runs the declared flush command and reads status). Daemon senders:
// submit() hands over the message; a watcher thread reads the status command and journals each
// change of a message's state. After start, `dns_records` says what the lab should publish for
// the sender's own domains (own_dns_records()).
//
// Thread safety: submit, flush, queue, versions and clear_policy_cache may be called from
// several threads at once; start and stop may not overlap anything else.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "stslab/core/process.hpp"
#include "stslab/harness/adapter.hpp"
#include "stslab/harness/adapters/command_manifest.hpp"
#include "stslab/harness/adapters/command_status.hpp"
#include "stslab/harness/adapters/log_follower.hpp"
#include "stslab/harness/adapters/template.hpp"

namespace stslab::harness::adapters {

// The reference sender's binary for {{stslab_sender}}: $STSLAB_SENDER, else the one built with
// stslab, else "stslab-sender" (searched in PATH).
std::string stslab_sender_path();

class CommandAdapter : public MtaAdapter {
 public:
  // Throws std::invalid_argument if the manifest has no such target.
  CommandAdapter(CommandManifest manifest, std::string target);
  ~CommandAdapter() override;  // stop(), errors swallowed

  std::string name() const override;
  Capabilities capabilities() const override;
  nlohmann::json versions() const override;

  void start(const LabContext& lab) override;
  void submit(const OutgoingMessage& message) override;
  void flush() override;
  void flush_for(const std::string& policy_domain) override;
  std::vector<QueueEntry> queue() override;
  void clear_policy_cache() override;
  void clear_policy_cache_for(const std::string& policy_domain) override;
  // Runs the `report` command, if declared ({{policy_domain}}: the domain the lab waits for).
  void send_reports(const std::string& policy_domain) override;
  // What the `dns_records` command printed at start (blank and ';' comment lines dropped).
  std::vector<std::string> own_dns_records() const override { return dns_records_; }
  void stop() override;

  // The environment changes every command gets (for tests and docs).
  const EnvChanges& environment() const { return env_; }
  // The command line submit() runs for `message` (rendered and quoted).
  std::string submit_command(const OutgoingMessage& message) const;
  // The state directory of the commands about `domain` (see above); "" = the lab-wide one.
  std::string state_dir_for(const std::string& domain) const;

 private:
  // The template variables (raw and shell-quoted) and the environment of the target's commands,
  // from the lab and the manifest; start() sets them before anything runs.
  void set_variables();
  void set_environment();
  // What the harness keeps of a command's output: its last JSON line and a reason, not 50 MB.
  static constexpr std::size_t kOutputLimit = 64 * 1024;
  struct Record {
    OutgoingMessage message;
    std::string state = "queued";  // queued | deferred | delivered | bounced
    std::string reason;
    std::string journaled;  // the last state + reason journaled (daemon: only changes count)
    int attempts = 0;
    bool in_flight = false;  // a one-shot attempt is running: a concurrent flush skips it
  };

  // `domain` scopes the state directory of one-shot commands ("" = lab-wide).
  core::ProcessSpec spec_for(const std::string& command_line, const std::string& domain = "") const;
  Variables quoted_for(const std::string& domain) const;
  // One-shot senders: creates the domain's state directory and holds the lock that runs one
  // command at a time in it (with shared_state: one command of the sender at a time). A daemon
  // gets no lock.
  std::unique_lock<std::mutex> prepare_state(const std::string& domain);
  std::string render_lab(const std::string& text, const std::string& where) const;
  core::ProcessResult run_checked(const std::string& what, const std::string& command_line,
                                  const std::string& input = "",
                                  const std::string& domain = "") const;
  void check_programs() const;
  // Follows status.logs (if any) into the journal until shutdown().
  void follow_logs();
  void start_sender();
  // Runs `dns_records` (if declared) and keeps the records it prints. Throws std::runtime_error
  // naming the command and the line when a line is no zone-file record.
  void read_dns_records();
  // One-shot: one run of submit for the record under `key`; journals the outcome.
  void attempt(const std::string& key);
  void journal_delivery(const OutgoingMessage& message, const DeliveryReport& report) const;
  // Runs the status command; updates records and journals changed outcomes.
  std::vector<DeliveryReport> refresh_from_status();
  void watch_status();
  void wake_watcher();
  void shutdown() noexcept;

  CommandManifest manifest_;
  CommandTarget target_;
  LabContext lab_;
  Variables quoted_;      // lab placeholders, shell-quoted, plus the target's variables
  Variables raw_;         // the same unquoted, for non-shell fields (ready.tcp)
  Variables lab_quoted_;  // the lab placeholders alone, shell-quoted
  EnvChanges env_;
  std::string faketime_library_;
  std::string state_dir_;  // the lab-wide one
  std::mutex shared_state_mutex_;
  std::mutex domain_locks_mutex_;
  std::map<std::string, std::unique_ptr<std::mutex>> domain_locks_;  // by state directory
  std::optional<core::Child> sender_;  // a start command that keeps running
  std::unique_ptr<LogFollower> follower_;
  std::vector<std::string> dns_records_;
  std::atomic<bool> started_ = false;

  mutable std::mutex records_mutex_;
  std::map<std::string, Record> records_;  // by message id (recipient if none)
  std::vector<std::string> order_;         // keys in submission order

  std::mutex watch_mutex_;
  std::condition_variable watch_wake_;
  bool watch_stop_ = false;
  std::thread watcher_;

  mutable std::mutex versions_mutex_;
  mutable std::optional<nlohmann::json> versions_;
};

}  // namespace stslab::harness::adapters
