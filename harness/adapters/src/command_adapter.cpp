#include "stslab/harness/adapters/command_adapter.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "process_text.hpp"
#include "stslab/core/events/mta.hpp"
#include "stslab/core/names.hpp"
#include "stslab/dns/record.hpp"
#include "stslab/harness/adapters/log_parser.hpp"
#include "stslab/harness/adapters/mta_log_journal.hpp"
#include "stslab/harness/adapters/shell_quote.hpp"
#include "stslab/harness/adapters/waits.hpp"

namespace stslab::harness::adapters {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kStopGrace = std::chrono::seconds(3);

bool executable(const fs::path& p) {
  return fs::is_regular_file(p) && access(p.c_str(), X_OK) == 0;
}

bool program_exists(const std::string& program) {
  if (program.find('/') != std::string::npos) return executable(program);
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && executable(fs::path(dir) / program)) return true;
  }
  return false;
}

// A directory name for a domain: lab domains are DNS names, but nothing from a scenario may
// name a path outside the work dir.
std::string path_safe(const std::string& domain) {
  std::string out;
  for (const char c : domain) {
    const auto u = static_cast<unsigned char>(c);
    out += std::isalnum(u) || c == '-' || c == '_' || c == '.' ? static_cast<char>(std::tolower(u))
                                                               : '_';
  }
  if (out.empty() || out.front() == '.') out.insert(0, "_");
  return out;
}

}  // namespace

std::string stslab_sender_path() {
  if (const char* env = std::getenv("STSLAB_SENDER"); env && *env) return env;
#ifdef STSLAB_SENDER_PATH
  if (executable(STSLAB_SENDER_PATH)) return STSLAB_SENDER_PATH;
#endif
  return "stslab-sender";
}

CommandAdapter::CommandAdapter(CommandManifest manifest, std::string target)
    : manifest_(std::move(manifest)) {
  const auto it = manifest_.targets.find(target);
  if (it == manifest_.targets.end()) {
    throw std::invalid_argument(manifest_.path + " defines no target '" + target + "'");
  }
  target_ = it->second;
}

CommandAdapter::~CommandAdapter() {
  shutdown();
}

std::string CommandAdapter::name() const {
  return target_.name;
}

Capabilities CommandAdapter::capabilities() const {
  auto c = target_.capabilities;
  if (target_.faketime) {
    // Before start: could it? After: does it (the lab gave a timestamp file)?
    c.time_control = started_ ? !faketime_library_.empty()
                              : !find_faketime_library(kFaketimeLibraryGlobs).empty();
  }
  // One-shot submits read the clock afresh; a daemon (start with `ready`) keeps reading it.
  c.clock_read_per_command = manifest_.submit_mode == SubmitMode::oneshot && !sender_.has_value();
  return c;
}

nlohmann::json CommandAdapter::versions() const {
  std::lock_guard lock(versions_mutex_);
  if (versions_) return *versions_;
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [program, command] : manifest_.versions) {
    try {
      const auto r = core::run_process(spec_for(render_lab(command, "versions." + program)), "",
                                       std::chrono::seconds(10));
      const auto text = trim(r.out);
      out[program] = !r.timed_out && r.exit_code == 0 && !text.empty()
                         ? text.substr(0, text.find('\n'))
                         : "unknown";
    } catch (const std::exception& e) {
      out[program] = std::string("unknown (") + e.what() + ")";
    }
  }
  versions_ = out;
  return out;
}

std::string CommandAdapter::render_lab(const std::string& text, const std::string& where) const {
  return render(text, quoted_, manifest_.path + ": " + where);
}

std::string CommandAdapter::state_dir_for(const std::string& domain) const {
  if (domain.empty() || manifest_.submit_mode != SubmitMode::oneshot || manifest_.shared_state) {
    return state_dir_;
  }
  return (fs::path(lab_.workdir) / "scenario-state" / path_safe(domain)).string();
}

Variables CommandAdapter::quoted_for(const std::string& domain) const {
  const auto dir = state_dir_for(domain);
  if (dir == state_dir_) return quoted_;
  // The target's variables may use {{state_dir}} too: rendered again with this one.
  Variables lab = lab_quoted_;
  lab["state_dir"] = shell_quote(dir);
  Variables out = lab;
  for (const auto& [k, v] : target_.variables) {
    out[k] = render(v, lab, manifest_.path + ": targets." + target_.name + ".variables." + k);
  }
  return out;
}

std::unique_lock<std::mutex> CommandAdapter::prepare_state(const std::string& domain) {
  if (manifest_.submit_mode != SubmitMode::oneshot) return {};
  if (manifest_.shared_state) return std::unique_lock(shared_state_mutex_);
  const auto dir = state_dir_for(domain);
  if (dir == state_dir_) return {};
  fs::create_directories(dir);
  // One command per domain at a time too: a flush retries a scenario's deferred messages, and
  // they share that scenario's directory.
  std::mutex* lock = nullptr;
  {
    std::lock_guard guard(domain_locks_mutex_);
    auto& slot = domain_locks_[dir];
    if (!slot) slot = std::make_unique<std::mutex>();
    lock = slot.get();
  }
  return std::unique_lock(*lock);
}

std::string CommandAdapter::submit_command(const OutgoingMessage& message) const {
  Variables vars = quoted_for(recipient_domain(message.to));
  vars["from"] = shell_quote(message.from);
  vars["to"] = shell_quote(message.to);
  vars["message"] = shell_quote(message.path);
  vars["message_id"] = shell_quote(message.message_id);
  return render(manifest_.submit, vars, manifest_.path + ": commands.submit");
}

core::ProcessSpec CommandAdapter::spec_for(const std::string& command_line,
                                           const std::string& domain) const {
  core::ProcessSpec spec{.argv = {"/bin/sh", "-c", command_line}, .env = env_, .cwd = lab_.workdir};
  const auto dir = state_dir_for(domain);
  if (dir != state_dir_) {
    for (auto& [name, value] : spec.env) {
      if (name == "STSLAB_STATE_DIR") value = dir;
    }
  }
  return spec;
}

core::ProcessResult CommandAdapter::run_checked(const std::string& what,
                                                const std::string& command_line,
                                                const std::string& input,
                                                const std::string& domain) const {
  auto spec = spec_for(command_line, domain);
  spec.output_limit = kOutputLimit;
  const auto r = core::run_process(spec, input, manifest_.timeout);
  if (r.timed_out || r.exit_code != 0) {
    throw std::runtime_error(target_.name + ": " + what + " (" + command_line +
                             ") failed: " + describe(r));
  }
  return r;
}

void CommandAdapter::check_programs() const {
  for (const auto& entry : manifest_.requires_programs) {
    const auto program = render(entry, raw_, manifest_.path + ": requires");
    if (!program_exists(program)) {
      throw std::runtime_error(target_.name + ": " + program + " is not installed (" +
                               manifest_.path + " requires it)");
    }
  }
}

void CommandAdapter::set_variables() {
  raw_ = {{"workdir", lab_.workdir},
          {"state_dir", state_dir_},
          {"ca_bundle", lab_.ca_bundle},
          {"dns_address", lab_.dns_address},
          {"mta_address", lab_.mta_address},
          {"sender_domain", lab_.sender_domain},
          {"faketime_file", lab_.faketime_file},
          {"data_dir", manifest_.dir},
          {"stslab_sender", stslab_sender_path()}};
  quoted_.clear();
  for (const auto& [k, v] : raw_)
    quoted_[k] = shell_quote(v);
  // A target's variables are shell text written by the manifest's author: inserted as written,
  // with the lab's values inside them quoted (or not, outside the shell).
  raw_["lab_state_dir"] = state_dir_;
  quoted_["lab_state_dir"] = shell_quote(state_dir_);
  lab_quoted_ = quoted_;
  const Variables lab_raw = raw_, lab_quoted = quoted_;
  for (const auto& [k, v] : target_.variables) {
    const auto where = manifest_.path + ": targets." + target_.name + ".variables." + k;
    raw_[k] = render(v, lab_raw, where);
    quoted_[k] = render(v, lab_quoted, where);
  }
}

void CommandAdapter::set_environment() {
  env_ = {{"STSLAB_WORKDIR", lab_.workdir},
          {"STSLAB_STATE_DIR", state_dir_},
          {"STSLAB_LAB_STATE_DIR", state_dir_},
          {"STSLAB_CA_BUNDLE", lab_.ca_bundle},
          {"STSLAB_DNS", lab_.dns_address},
          // Trust the lab CA and nothing else, whatever this machine sets globally.
          {"SSL_CERT_FILE", lab_.ca_bundle},
          {"SSL_CERT_DIR", std::nullopt}};
  for (const char* proxy :
       {"https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"}) {
    env_.emplace_back(proxy, std::nullopt);
  }
  for (const auto& [k, v] : manifest_.environment) {
    env_.emplace_back(k, v ? std::optional(render(*v, raw_, manifest_.path + ": environment." + k))
                           : std::nullopt);
  }
  faketime_library_.clear();
  if (target_.faketime && !lab_.faketime_file.empty()) {
    faketime_library_ = find_faketime_library(kFaketimeLibraryGlobs);
    if (faketime_library_.empty()) {
      throw std::runtime_error(target_.name +
                               ": the lab moves time but libfaketime is not installed "
                               "(Debian package faketime)");
    }
    for (auto& change : faketime_env(faketime_library_, lab_.faketime_file))
      env_.push_back(std::move(change));
  }
}

void CommandAdapter::start(const LabContext& lab) {
  if (started_) throw std::logic_error(target_.name + ": start() called twice");
  if (lab.journal == nullptr) throw std::invalid_argument(target_.name + ": no journal given");
  if (lab.workdir.empty()) throw std::invalid_argument(target_.name + ": no workdir given");
  const auto t0 = Clock::now();
  lab_ = lab;
  state_dir_ = (fs::path(lab_.workdir) / "state").string();
  fs::create_directories(state_dir_);

  set_variables();
  set_environment();
  check_programs();
  try {
    follow_logs();
    start_sender();
    read_dns_records();
    if (manifest_.submit_mode == SubmitMode::daemon) {
      watch_stop_ = false;
      watcher_ = std::thread([this] { watch_status(); });
    }
  } catch (...) {
    shutdown();
    throw;
  }
  started_ = true;
  lab_.journal->append(
      core::Source::mta, "mta.lifecycle", "", target_.name,
      {{"step", "ready"},
       {"service", target_.name},
       {"ms", std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count()}});
}

void CommandAdapter::follow_logs() {
  if (manifest_.logs.empty()) return;
  std::vector<FollowedLog> logs;
  for (const auto& log : manifest_.logs)
    logs.push_back({render(log.file, raw_, manifest_.path + ": status.logs"), log.rules});
  follower_ = follow_into_journal(logs, *lab_.journal);
}

void CommandAdapter::start_sender() {
  if (manifest_.start.empty()) return;
  const auto command = render_lab(manifest_.start, "commands.start");
  if (manifest_.ready_tcp.empty()) {
    // Without `ready`, start is a set-up step that must finish.
    run_checked("start", command);
    return;
  }
  const auto log = (fs::path(lab_.workdir) / "start.log").string();
  sender_ = core::Child::spawn(spec_for(command), log);
  const auto where = render(manifest_.ready_tcp, raw_, manifest_.path + ": commands.start.ready");
  const auto deadline = Clock::now() + manifest_.timeout;
  if (wait_for_tcp(where, deadline, {lab_.workdir}, [this] { return sender_->running(); })) return;
  const auto tail = tail_of_file(log);
  throw std::runtime_error(
      target_.name + ": the sender started by '" + command + "' " +
      (sender_->running() ? "did not accept connections on " + where
                          : "exited before accepting connections on " + where) +
      "\n--- last lines of " + log + " ---\n" + (tail.empty() ? "(empty)\n" : tail));
}

void CommandAdapter::read_dns_records() {
  dns_records_.clear();
  if (manifest_.dns_records.empty()) return;
  std::vector<std::string> records;
  const auto command = render_lab(manifest_.dns_records, "commands.dns_records");
  const auto r = run_checked("printing its DNS records", command);
  std::istringstream lines(r.out);
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    const auto text = trim(line);
    if (text.empty() || text.front() == ';') continue;  // zone-file blank and comment lines
    try {
      dns::parse_record(text, 0);
    } catch (const dns::RecordError& e) {
      throw std::runtime_error(target_.name + ": commands.dns_records (" + command +
                               ") printed something that is no zone-file record on line " +
                               std::to_string(number) + ": \"" + text + "\" (" + e.reason() + ")");
    }
    records.push_back(text);
  }
  dns_records_ = std::move(records);
}

void CommandAdapter::stop() {
  shutdown();
}

void CommandAdapter::shutdown() noexcept {
  const auto t0 = Clock::now();
  if (watcher_.joinable()) {
    {
      std::lock_guard lock(watch_mutex_);
      watch_stop_ = true;
    }
    watch_wake_.notify_all();
    watcher_.join();
  }
  const bool was_started = started_ || sender_.has_value();
  try {
    if (!manifest_.stop.empty() && was_started) {
      run_checked("stop", render_lab(manifest_.stop, "commands.stop"));
    }
  } catch (const std::exception& e) {
    // The lab kills what is left; the journal keeps why the graceful stop failed.
    if (lab_.journal) {
      core::events::append(*lab_.journal, core::events::MtaError{.error = e.what()}, "", "");
    }
  }
  if (sender_) {
    sender_->stop(kStopGrace);
    sender_.reset();
  }
  // After the sender: its last lines are read (stop drains) before the follower goes.
  if (follower_) {
    follower_->stop();
    follower_.reset();
  }
  if (was_started && lab_.journal) {
    lab_.journal->append(
        core::Source::mta, "mta.lifecycle", "", target_.name,
        {{"step", "stopped"},
         {"service", target_.name},
         {"ms", std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count()}});
  }
  started_ = false;
}

}  // namespace stslab::harness::adapters
