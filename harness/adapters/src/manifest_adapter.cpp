#include "stslab/harness/adapters/manifest_adapter.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "process_text.hpp"
#include "stslab/core/events/mta.hpp"
#include "stslab/harness/adapters/faketime.hpp"
#include "stslab/harness/adapters/log_parser.hpp"
#include "stslab/harness/adapters/postqueue.hpp"
#include "stslab/harness/adapters/smtp_submit.hpp"
#include "stslab/harness/adapters/waits.hpp"

namespace stslab::harness::adapters {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kRenderedConfigAge = std::chrono::minutes(10);

void write_file(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

void give_to(const fs::path& path, const std::string& user, const std::string& group_name) {
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
  if (!user.empty()) {
    const passwd* pw = getpwnam(user.c_str());
    if (pw == nullptr) throw std::runtime_error("no user '" + user + "' to own " + path.string());
    uid = pw->pw_uid;
  }
  if (!group_name.empty()) {
    const struct group* gr = getgrnam(group_name.c_str());
    if (gr == nullptr) {
      throw std::runtime_error("no group '" + group_name + "' to own " + path.string());
    }
    gid = gr->gr_gid;
  }
  if (chown(path.c_str(), uid, gid) != 0) {
    throw std::runtime_error("cannot give " + path.string() + " to " + user + ":" + group_name +
                             ": " + std::strerror(errno));
  }
}

// A directory handed to `user` is of no use if the user cannot reach it: daemons that drop
// privileges (Postfix's run as user postfix) fail obscurely otherwise, e.g. under a mkdtemp()
// directory (mode 0700).
void check_reachable(const fs::path& workdir, const std::string& user) {
  const passwd* pw = getpwnam(user.c_str());
  if (pw == nullptr) return;  // give_to() says so
  for (fs::path p = fs::absolute(workdir); !p.empty(); p = p.parent_path()) {
    struct stat st {};
    if (stat(p.c_str(), &st) == 0 && !(st.st_mode & S_IXOTH) && st.st_uid != pw->pw_uid) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
      throw std::runtime_error("user " + user + " cannot reach " + workdir.string() + ": " +
                               p.string() + " has mode " + mode +
                               "; make it searchable by others (chmod o+x)");
    }
    if (p == p.root_path()) break;
  }
}

}  // namespace

Variables lab_variables(const Manifest& manifest, const Target& target, const LabContext& lab) {
  Variables vars = {{"workdir", lab.workdir},
                    {"ca_bundle", lab.ca_bundle},
                    {"dns_address", lab.dns_address},
                    {"mta_address", lab.mta_address},
                    {"sender_domain", lab.sender_domain},
                    {"faketime_file", lab.faketime_file},
                    {"data_dir", manifest.dir}};
  const Variables base = vars;
  for (const auto& [name, value] : target.variables) {
    vars[name] = render(value, base, manifest.path + ": targets." + target.name + "." + name);
  }
  return vars;
}

std::map<std::string, std::string> render_configs(const Manifest& manifest, const Target& target,
                                                  const Variables& vars) {
  std::map<std::string, std::string> out;
  for (const auto& t : manifest.templates) {
    if (!target.has(t.when)) continue;
    const auto source = (fs::path(manifest.dir) / t.source).string();
    std::string text;
    try {
      text = read_file(source);
    } catch (const std::runtime_error& e) {
      throw ManifestError(manifest.path + ": template " + t.source + ": " + e.what());
    }
    out[t.target] = render(text, vars, source);
  }
  return out;
}

std::string find_faketime_library(const Manifest& manifest) {
  return find_faketime_library(manifest.faketime_library);
}

ManifestAdapter::ManifestAdapter(Manifest manifest, std::string target)
    : manifest_(std::move(manifest)) {
  const auto it = manifest_.targets.find(target);
  if (it == manifest_.targets.end()) {
    throw std::invalid_argument(manifest_.path + " defines no target '" + target + "'");
  }
  target_ = it->second;
}

ManifestAdapter::~ManifestAdapter() {
  shutdown();
}

std::string ManifestAdapter::name() const {
  return target_.name;
}

Capabilities ManifestAdapter::capabilities() const {
  auto c = target_.capabilities;
  if (c.time_control) {
    c.time_control =
        started_ ? !faketime_library_.empty() : !find_faketime_library(manifest_).empty();
  }
  return c;
}

nlohmann::json ManifestAdapter::versions() const {
  std::lock_guard lock(versions_mutex_);
  if (versions_) return *versions_;
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [program, command] : manifest_.versions) {
    if (!target_.has(command.when)) continue;
    try {
      const auto r = run({.argv = render(command.run, vars_)}, "", std::chrono::seconds(10));
      out[program] = succeeded(r) && !trim(r.out).empty() ? trim(r.out) : "unknown";
    } catch (const std::exception& e) {
      out[program] = std::string("unknown (") + e.what() + ")";
    }
  }
  versions_ = out;
  return out;
}

core::ProcessResult ManifestAdapter::run(const core::ProcessSpec& spec, const std::string& input,
                                         std::chrono::milliseconds timeout) const {
  return core::run_process(spec, input, timeout);
}

core::Child ManifestAdapter::spawn(const core::ProcessSpec& spec, const std::string& log) const {
  return core::Child::spawn(spec, log);
}

core::ProcessSpec ManifestAdapter::spec_for(const Argv& argv, bool faketime,
                                            const Variables& extra) const {
  Variables vars = vars_;
  for (const auto& [k, v] : extra)
    vars[k] = v;
  core::ProcessSpec spec{
      .argv = render(argv, vars, manifest_.path), .env = env_, .cwd = lab_.workdir};
  if (faketime && !faketime_library_.empty()) {
    for (auto& change : faketime_env(faketime_library_, lab_.faketime_file))
      spec.env.push_back(std::move(change));
  }
  return spec;
}

core::ProcessResult ManifestAdapter::run_checked(const std::string& what, const Command& command,
                                                 const Variables& extra, const std::string& input) {
  const auto spec = spec_for(command.run, false, extra);
  const auto r = run(spec, input, kCommandTimeout);
  if (!succeeded(r)) {
    throw std::runtime_error(target_.name + ": " + what + " (" + join(spec.argv) +
                             ") failed: " + describe(r));
  }
  return r;
}

void ManifestAdapter::note(const std::string& step, const std::string& service,
                           Clock::time_point since, std::optional<std::int64_t> pid) const {
  if (lab_.journal == nullptr) return;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since);
  core::events::append(
      *lab_.journal,
      core::events::MtaLifecycle{.step = step, .service = service, .ms = ms.count(), .pid = pid},
      "", target_.name);
}

void ManifestAdapter::write_workdir() {
  const fs::path workdir(lab_.workdir);
  fs::create_directories(workdir);
  for (const auto& d : manifest_.directories) {
    if (!d.owner.empty()) check_reachable(workdir, d.owner);
  }
  for (const auto& d : manifest_.directories) {
    fs::create_directories(workdir / d.path);
    if (!d.owner.empty() || !d.group.empty()) give_to(workdir / d.path, d.owner, d.group);
    // chmod, not mkdir's mode: the umask must not take the sticky or group-write bits away.
    if (d.mode) fs::permissions(workdir / d.path, static_cast<fs::perms>(*d.mode));
  }
  for (const auto& [path, content] : render_configs(manifest_, target_, vars_)) {
    write_file(workdir / path, content);
    // Backdated: Postfix re-reads a config file younger than two seconds every 300 ms until it
    // has "cooled down" (dict_load_file), which held `postfix start` for over a second.
    fs::last_write_time(workdir / path, fs::file_time_type::clock::now() - kRenderedConfigAge);
  }
}

void ManifestAdapter::run_prepare() {
  for (const auto& argv : manifest_.prepare) {
    const auto spec = spec_for(argv, false);
    const auto result = run(spec, "", kCommandTimeout);
    if (!succeeded(result)) {
      throw std::runtime_error(target_.name + ": " + join(spec.argv) +
                               " failed: " + describe(result));
    }
  }
}

void ManifestAdapter::start(const LabContext& lab) {
  if (started_) throw std::logic_error(target_.name + ": start() called twice");
  if (lab.journal == nullptr) throw std::invalid_argument(target_.name + ": no journal given");
  if (lab.workdir.empty()) throw std::invalid_argument(target_.name + ": no workdir given");
  lab_ = lab;
  vars_ = lab_variables(manifest_, target_, lab_);
  env_.clear();
  for (const auto& [name, value] : manifest_.environment) {
    env_.emplace_back(name,
                      value ? std::optional(render(*value, vars_, manifest_.path)) : std::nullopt);
  }
  faketime_library_.clear();
  if (!lab_.faketime_file.empty()) {
    faketime_library_ = find_faketime_library(manifest_);
    if (faketime_library_.empty()) {
      throw std::runtime_error(target_.name +
                               ": the lab moves time but libfaketime is not installed "
                               "(Debian package faketime)");
    }
  }

  write_workdir();
  try {
    follow_logs();
    std::lock_guard lock(services_mutex_);
    services_.reserve(manifest_.services.size());
    for (const auto& s : manifest_.services) {
      if (target_.has(s.when)) services_.push_back({.spec = &s});
    }
    // Early services start now and come up while `prepare` runs (a Python daemon's start-up and
    // "postfix check" each take a good part of a second).
    for (auto& r : services_) {
      if (r.spec->early) launch(r);
    }
    const auto prepare_started = Clock::now();
    run_prepare();
    note("prepared", "", prepare_started);
    // Which PID namespace our programs land in (the lab's, behind core's spawn prefix): a
    // daemon's pid file holds its pid there, and stop() must find it from here.
    const auto probe = run({.argv = {"readlink", "/proc/self/ns/pid"}}, "", kCommandTimeout);
    pid_namespace_ = succeeded(probe) ? trim(probe.out) : std::string();
    const auto deadline = Clock::now() + kServiceReadyTimeout;
    // Launch everything, then wait: no service needs another to be up to start (Postfix asks
    // the resolver only when it delivers), so their start-ups overlap.
    for (auto& r : services_) {
      if (!r.spec->early) launch(r);
    }
    for (auto& r : services_) {
      await_ready(r, deadline);
      note("ready", r.spec->name, prepare_started);
    }
  } catch (...) {
    shutdown();
    throw;
  }
  started_ = true;
}

void ManifestAdapter::submit(const OutgoingMessage& message) {
  const Variables extra = {{"from", message.from},
                           {"to", message.to},
                           {"message", message.path},
                           {"message_id", message.message_id}};
  if (!manifest_.submit.smtp.empty()) {
    try {
      smtp_submit({.host_port = render(manifest_.submit.smtp, vars_, manifest_.path),
                   .helo = lab_.sender_domain,
                   .from = message.from,
                   .to = message.to,
                   .message = read_file(message.path)},
                  Clock::now() + kCommandTimeout);
    } catch (const std::exception& e) {
      throw std::runtime_error(target_.name + ": submitting to " + message.to + ": " + e.what());
    }
    return;
  }
  std::string input;
  if (!manifest_.submit.stdin_file.empty()) {
    Variables vars = vars_;
    for (const auto& [k, v] : extra)
      vars[k] = v;
    input = read_file(render(manifest_.submit.stdin_file, vars, manifest_.path));
  }
  run_checked("submitting to " + message.to, manifest_.submit, extra, input);
}

void ManifestAdapter::flush() {
  run_checked("flush", manifest_.flush);
}

std::vector<QueueEntry> ManifestAdapter::queue() {
  const auto r = run_checked("reading the queue", manifest_.queue);
  return parse_postqueue_json(r.out);
}

void ManifestAdapter::clear_policy_cache() {
  if (manifest_.clear_cache && target_.has(manifest_.clear_cache->when)) {
    run_checked("clearing the policy cache", *manifest_.clear_cache);
  }
}

void ManifestAdapter::stop() {
  shutdown();
}

void ManifestAdapter::shutdown() noexcept {
  {
    std::lock_guard lock(services_mutex_);
    for (auto it = services_.rbegin(); it != services_.rend(); ++it) {
      try {
        const auto t = Clock::now();
        const auto pid = stop_service(*it);
        note("stopped", it->spec->name, t, pid ? std::optional<std::int64_t>(*pid) : std::nullopt);
      } catch (const std::exception& e) {
        // The lab kills what is left; the journal keeps why the graceful stop failed.
        if (lab_.journal) {
          core::events::append(*lab_.journal, core::events::MtaError{.error = e.what()}, "", "");
        }
      }
    }
    services_.clear();
  }
  if (follower_) {
    follower_->stop();
    follower_.reset();
  }
  started_ = false;
}

}  // namespace stslab::harness::adapters
