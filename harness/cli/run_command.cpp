// `stslab run`: open the lab, start the target inside it, run the scenarios side by side,
// write the reports, tear everything down (also on Ctrl-C).
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "commands.hpp"
#include "expectations.hpp"
#include "stslab/core/clock.hpp"
#include "stslab/core/journal.hpp"
#include "stslab/core/pki.hpp"
#include "stslab/harness/adapter.hpp"
#include "stslab/harness/lab_namespace.hpp"
#include "stslab/harness/lab_services.hpp"
#include "stslab/harness/report_collector.hpp"
#include "stslab/harness/result.hpp"
#include "stslab/harness/suite.hpp"

namespace stslab::cli {
namespace fs = std::filesystem;
using namespace harness;

namespace {

// What the signal thread needs to tear down on Ctrl-C.
std::atomic<LabNamespace*> g_lab{nullptr};
std::atomic<bool> g_interrupted{false};
std::string g_workdir_to_remove;  // set before the signal thread starts; "" = keep

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// Blocks the termination signals in every thread (children get a clean mask from
// core::spawn) and waits for them on a thread of its own. On a signal: kill the lab's PID
// namespace (every MTA process with it), drop the work directory unless kept, and exit. The
// network and mount namespaces vanish with this process.
void start_signal_thread() {
  std::thread([] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    int sig = 0;
    sigwait(&set, &sig);
    std::cerr << "\nstslab: interrupted (" << strsignal(sig) << "); tearing the lab down\n";
    g_interrupted = true;
    if (auto* lab = g_lab.load()) lab->kill_all();
    if (!g_workdir_to_remove.empty()) {
      std::error_code ignored;
      fs::remove_all(g_workdir_to_remove, ignored);
    }
    _exit(128 + sig);
  }).detach();
}

void block_termination_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

class Progress {
 public:
  explicit Progress(bool enabled) : tty_(enabled && isatty(STDERR_FILENO)) {}
  void operator()(const ScenarioResult& r, std::size_t done, std::size_t total) {
    const std::string verdict(to_string(r.verdict));
    const std::string line = "[" + std::to_string(done) + "/" + std::to_string(total) + "] " +
                             verdict + " " + r.scenario;
    if (tty_) {
      std::cerr << "\r\033[K" << line << std::flush;
    } else {
      std::cerr << line << " (" << r.duration.count() << " ms)\n";
    }
  }
  void finish() {
    if (tty_) std::cerr << "\r\033[K";
  }

 private:
  bool tty_;
};

// Once interrupted, the signal thread owns the exit: whatever the main thread was doing fails as
// the lab dies under it, and must not exit first with a misleading status.
int finish(int rc) {
  if (g_interrupted) {
    for (;;)
      pause();  // termination signals are blocked here; the signal thread calls _exit
  }
  return rc;
}

// kDieWithParentVariable: SIGTERM when the parent that set it dies; at once if it already has.
void die_with_parent() {
  const char* parent = std::getenv(kDieWithParentVariable);
  if (parent == nullptr || *parent == '\0') return;
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (std::to_string(getppid()) != parent) raise(SIGTERM);  // it died before the prctl
}

}  // namespace

int run_command(const RunArgs& args) {
  die_with_parent();
  // 1. Everything that can be wrong with the request is found before the lab opens.
  std::vector<Scenario> scenarios;
  try {
    for (auto& s : load_catalog(args.scenarios_dir)) {
      if (selected(s.id, args.scenario_globs)) scenarios.push_back(std::move(s));
    }
  } catch (const ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return kExitUsage;
  }
  if (scenarios.empty()) {
    std::cerr << "stslab: no scenario matches the selection\n";
    return kExitUsage;
  }
  if (const int rc = add_adapter_files(args.adapter_files); rc != kExitOk) return rc;
  std::unique_ptr<MtaAdapter> mta;
  try {
    mta = make_adapter(args.mta);
  } catch (const std::exception& e) {  // unknown name, or a manifest that does not load
    std::cerr << "stslab: " << e.what() << "\n";
    return kExitUsage;
  }
  if (!args.report_dir.empty()) {
    try {
      check_report_dir(args.report_dir);
    } catch (const std::exception& e) {
      std::cerr << "stslab: --report-dir: " << e.what() << "\n";
      return kExitUsage;
    }
  }
  std::vector<Expectation> expectations;
  if (args.check_expectations) {
    expectations = load_expectations(args.scenarios_dir + "/expectations/" + args.mta + ".yaml");
  }
  if (!can_create_lab()) {
    std::cerr << "stslab: cannot start the lab: it needs root to create its network, mount and "
                 "PID namespaces (run as root, e.g. with sudo)\n";
    return kExitLab;
  }

  // A malformed STSLAB_LAB_START is bad usage, found before anything is made. A lab that
  // starts off the real time needs a sender that can follow its clock: on the real one, every
  // certificate the lab mints would look not yet valid or expired to it.
  if (core::lab_start_offset() != core::LabClock::duration::zero() &&
      !mta->capabilities().time_control) {
    std::cerr << "stslab: " << core::kLabStartVariable << " starts the lab off the real time, but "
              << "the target '" << args.mta
              << "' cannot follow the lab's clock (no time control)\n";
    return kExitLab;
  }

  // 2. The work directory and the lab's files (resolver, hosts, CA bundle). Termination signals
  // are blocked from here on: one that arrives before the signal thread runs stays pending
  // and is taken by it, which then removes the work directory (none is left by a Ctrl-C that
  // lands between mkdtemp and the thread).
  block_termination_signals();
  fs::path workdir = args.workdir;
  if (workdir.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "stslab-run-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a work directory");
    workdir = tmpl;
  } else {
    fs::create_directories(workdir);  // a --workdir that does not exist yet is made
  }
  // The MTA's own users (postfix, ...) must reach their configs and spools under it.
  fs::permissions(workdir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                               fs::perms::others_read | fs::perms::others_exec);
  fs::create_directories(workdir / "lab");
  fs::create_directories(workdir / "messages");
  fs::create_directories(workdir / "mta");
  core::LabClock clock;
  core::LabPki pki(clock);
  const LabFiles files{(workdir / "lab/resolv.conf").string(), (workdir / "lab/hosts").string(),
                       (workdir / "lab/ca.pem").string()};
  write_text(files.resolv_conf,
             std::string("nameserver ") + kLabDnsAddress + "\noptions timeout:2 attempts:2\n");
  write_text(files.hosts, "127.0.0.1 localhost\n");
  pki.write_ca_bundle(files.ca_bundle);

  // 3. Into the lab. Still single-threaded here, as entering requires.
  const auto started = std::chrono::steady_clock::now();
  std::optional<LabNamespace> lab_ns;
  try {
    lab_ns.emplace(LabNamespace::enter(files));
  } catch (const LabStartError& e) {
    std::cerr << "stslab: " << e.what() << "\n";
    if (!args.keep) {
      std::error_code ignored;
      fs::remove_all(workdir, ignored);  // nothing of a lab ran in it
    }
    return kExitLab;
  }
  g_lab = &*lab_ns;
  g_workdir_to_remove = args.keep ? "" : workdir.string();
  start_signal_thread();
  // Children must trust the lab CA, whatever this machine sets globally (mta-lab-recipe §0.3).
  setenv("SSL_CERT_FILE", files.ca_bundle.c_str(), 1);
  setenv("SSL_CERT_DIR", (workdir / "lab").c_str(), 1);
  unsetenv("https_proxy");
  unsetenv("HTTPS_PROXY");
  unsetenv("http_proxy");
  unsetenv("HTTP_PROXY");

  core::Journal journal(clock);
  LabServices lab(clock, journal, pki);
  RunResult run;
  run.target.adapter = args.mta;
  run.started_at = core::format_rfc3339(clock.now());
  int rc = kExitOk;
  try {
    lab.start();
    ReportCollector report_collector(lab);  // TLS-RPT reports become tlsrpt.report events
    // libfaketime is not free (it wraps every clock call and re-reads its timestamp file once
    // a second): the sender runs under it only when a scenario of this run moves the clock, or
    // when the lab starts at another instant than the real one (STSLAB_LAB_START), where the
    // sender must share the lab's time to trust the certificates minted for it.
    const bool moves_time = std::any_of(scenarios.begin(), scenarios.end(), [](const Scenario& s) {
      return std::find(s.needs.begin(), s.needs.end(), "time") != s.needs.end();
    });
    if (moves_time || clock.offset() != core::LabClock::duration::zero()) {
      lab.set_faketime_file((workdir / "lab/faketime.rc").string());
    }
    const LabContext context{.workdir = (workdir / "mta").string(),
                             .ca_bundle = files.ca_bundle,
                             .dns_address = kLabDnsAddress,
                             .mta_address = kMtaAddress,
                             .sender_domain = "sender.test",
                             .faketime_file = lab.faketime_file(),
                             .journal = &journal,
                             .clock = &clock};
    try {
      mta->start(context);
      // The sender's own records (its DKIM key, RFC 8460 §3), so that reports can be verified.
      lab.zone().add(mta->own_dns_records());
    } catch (const std::exception& e) {
      std::cerr << "stslab: the target '" << args.mta << "' could not start: " << e.what() << "\n";
      lab.stop();
      std::cerr << "stslab: work directory kept: " << workdir.string() << "\n";
      return finish(kExitLab);
    }
    run.target.versions = mta->versions();
    lab.set_clock_readers_fresh(mta->capabilities().clock_read_per_command);

    Progress progress(args.progress);
    SuiteOptions options;
    options.jobs = args.jobs;
    options.runner.timeout_scale = args.timeout_scale;
    options.runner.message_dir = (workdir / "messages").string();
    options.progress = [&](const ScenarioResult& r, std::size_t d, std::size_t t) {
      if (!g_interrupted) progress(r, d, t);  // results after Ctrl-C only say the lab died
    };
    run.results = run_scenarios(lab, *mta, scenarios, options);
    progress.finish();
    mta->stop();
  } catch (const std::exception& e) {
    std::cerr << "stslab: the lab failed: " << e.what() << "\n";
    rc = kExitLab;
  }
  lab.stop();
  run.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  {
    std::ofstream out(workdir / "journal.jsonl");
    journal.write_jsonl(out);
  }
  lab_ns->kill_all();
  g_lab = nullptr;
  if (journal.dropped() > 0) {
    std::cerr << "stslab: the journal reached its bound; " << journal.dropped()
              << " later events were dropped (a verdict that needed one is INCONCLUSIVE)\n";
  }

  // 4. Reports and the summary.
  if (!args.report_dir.empty()) write_reports({run}, args.report_dir);
  std::map<Verdict, int> counts;
  for (const auto& r : run.results)
    ++counts[r.verdict];
  std::cout << "stslab: " << args.mta << ": " << run.results.size() << " scenarios in "
            << run.duration.count() << " ms:";
  for (const auto& [verdict, n] : counts)
    std::cout << " " << to_string(verdict) << " " << n;
  std::cout << "\n";
  bool any_bad = false;
  bool expectations_met = true;
  for (const auto& r : run.results) {
    const bool bad = r.verdict == Verdict::fail || r.verdict == Verdict::error;
    any_bad = any_bad || bad;
    if (r.verdict != Verdict::pass) {
      std::cout << "  " << to_string(r.verdict) << " " << r.scenario << ": " << r.reason << "\n";
    }
    if (args.check_expectations) {
      const auto want = expectation_for(expectations, r.scenario);
      if (want.verdict != r.verdict) {
        expectations_met = false;
        std::cout << "  UNEXPECTED " << r.scenario << ": expected " << to_string(want.verdict)
                  << (want.reason.empty() ? "" : " (" + want.reason + ")") << ", got "
                  << to_string(r.verdict) << "\n";
      }
    }
  }
  if (rc == kExitOk) rc = any_bad ? kExitFail : kExitOk;
  if (args.check_expectations && rc != kExitLab) rc = expectations_met ? kExitOk : kExitFail;
  // Kept when asked, or when the harness itself failed (a lab fault, an ERROR verdict): a FAIL
  // is the sender's, and its evidence is in the reports.
  const bool harness_failed =
      rc == kExitLab || std::any_of(run.results.begin(), run.results.end(),
                                    [](const auto& r) { return r.verdict == Verdict::error; });
  if (args.keep || harness_failed) {
    std::cout << "stslab: work directory kept: " << workdir.string() << "\n";
  } else {
    std::error_code ignored;
    fs::remove_all(workdir, ignored);
  }
  if (!args.report_dir.empty()) std::cout << "stslab: reports in " << args.report_dir << "\n";
  return finish(rc);
}

}  // namespace stslab::cli
