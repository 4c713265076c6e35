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

#include "stslab/harness/adapters/faketime.hpp"
#include "stslab/harness/adapters/log_parser.hpp"
#include "stslab/harness/adapters/postqueue.hpp"
#include "stslab/harness/adapters/smtp_submit.hpp"
#include "stslab/harness/adapters/waits.hpp"

namespace stslab::harness::adapters {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kServiceReadyTimeout = std::chrono::seconds(15);
constexpr auto kCommandTimeout = std::chrono::seconds(30);
constexpr auto kRenderedConfigAge = std::chrono::minutes(10);
constexpr auto kDaemonExitTimeout = std::chrono::seconds(10);

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string join(const Argv& argv) {
  std::string out;
  for (const auto& a : argv)
    out += (out.empty() ? "" : " ") + a;
  return out;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::string describe(const core::ProcessResult& r) {
  std::string how = r.timed_out          ? "timed out"
                    : r.term_signal != 0 ? "killed by signal " + std::to_string(r.term_signal)
                                         : "exit " + std::to_string(r.exit_code);
  const auto out = trim(r.err + (r.err.empty() || r.out.empty() ? "" : "\n") + r.out);
  return how + (out.empty() ? "" : ": " + out);
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

bool succeeded(const core::ProcessResult& r) {
  return !r.timed_out && r.exit_code == 0;
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
                           Clock::time_point since, nlohmann::json extra) const {
  if (lab_.journal == nullptr) return;
  extra["step"] = step;
  extra["service"] = service;
  extra["ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
  lab_.journal->append(core::Source::mta, "mta.lifecycle", "", target_.name, std::move(extra));
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
    for (const auto& argv : manifest_.prepare) {
      const auto spec = spec_for(argv, false);
      const auto result = run(spec, "", kCommandTimeout);
      if (!succeeded(result)) {
        throw std::runtime_error(target_.name + ": " + join(spec.argv) +
                                 " failed: " + describe(result));
      }
    }
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

void ManifestAdapter::follow_logs() {
  std::vector<std::string> files;
  auto parsers = std::make_shared<std::vector<LogParser>>();
  for (const auto& log : manifest_.logs) {
    if (!target_.has(log.when)) continue;
    files.push_back(render(log.file, vars_, manifest_.path));
    fs::create_directories(fs::path(files.back()).parent_path());
    parsers->emplace_back(log.rules);
  }
  core::Journal* journal = lab_.journal;
  follower_ = std::make_unique<LogFollower>(
      files, [journal, parsers](std::size_t file, std::string_view line) {
        try {
          for (auto& e : (*parsers)[file].feed(line)) {
            journal->append(core::Source::mta, e.kind, e.domain, e.host, std::move(e.data));
          }
        } catch (const std::exception& e) {
          // A line we cannot digest must not end the follower; say so in the journal.
          journal->append(core::Source::mta, "mta.log_error", "", "",
                          {{"error", e.what()}, {"line", std::string(line)}});
        }
      });
  follower_->start(/*skip_existing=*/true);
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
        note("stopped", it->spec->name, t,
             pid ? nlohmann::json{{"pid", *pid}} : nlohmann::json::object());
      } catch (const std::exception& e) {
        // The lab kills what is left; the journal keeps why the graceful stop failed.
        if (lab_.journal) {
          lab_.journal->append(core::Source::mta, "mta.error", "", "", {{"error", e.what()}});
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
