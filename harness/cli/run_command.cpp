// `stslab run`: open the lab, start the target inside it, run the scenarios side by side,
// write the reports, tear everything down (also on Ctrl-C).
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>

#include "commands.hpp"
#include "expectations.hpp"
#include "stslab/core/clock.hpp"
#include "stslab/harness/adapter.hpp"
#include "stslab/harness/adapters/registry.hpp"
#include "stslab/harness/lab.hpp"
#include "stslab/harness/result.hpp"
#include "stslab/harness/suite.hpp"
#include "stslab/harness/termination.hpp"

namespace stslab::cli {
using namespace harness;

namespace {

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

// kDieWithParentVariable: SIGTERM when the parent that set it dies; at once if it already has.
void die_with_parent() {
  const char* parent = std::getenv(kDieWithParentVariable);
  if (parent == nullptr || *parent == '\0') return;
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (std::to_string(getppid()) != parent) raise(SIGTERM);  // it died before the prctl
}

// Starts the target in the lab and runs the scenarios; kExitOk, or kExitLab if the lab or the
// target failed (said on stderr). `started` says whether the target came up.
int run_in_lab(Lab& lab, MtaAdapter& mta, const std::vector<Scenario>& scenarios,
               const RunArgs& args, RunResult& run, bool& started) {
  try {
    try {
      lab.start_target(mta);
      started = true;
    } catch (const std::exception& e) {
      std::cerr << "stslab: the target '" << args.mta << "' could not start: " << e.what() << "\n";
      return kExitLab;
    }
    run.target.versions = mta.versions();
    Progress progress(args.progress);
    SuiteOptions options;
    options.jobs = args.jobs;
    options.runner.timeout_scale = args.timeout_scale;
    options.runner.message_dir = lab.message_dir();
    options.progress = [&](const ScenarioResult& r, std::size_t d, std::size_t t) {
      if (!termination_requested()) progress(r, d, t);  // after Ctrl-C they only say it died
    };
    run.results = run_scenarios(lab.services(), mta, scenarios, options);
    progress.finish();
    mta.stop();
  } catch (const std::exception& e) {
    std::cerr << "stslab: the lab failed: " << e.what() << "\n";
    return kExitLab;
  }
  return kExitOk;
}

// Prints the verdict counts, every result that is not a PASS and every unmet expectation;
// returns the exit status: `rc` if the lab failed, else FAIL for a FAIL or ERROR verdict or an
// unmet expectation.
int print_summary(const RunResult& run, const RunArgs& args,
                  const std::vector<Expectation>& expectations, int rc) {
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
  return rc;
}

// The scenarios, the target and the expectations of a request, or an exit status (not kExitOk)
// after saying on stderr what is wrong with it.
int check_request(const RunArgs& args, std::vector<Scenario>& scenarios,
                  std::unique_ptr<MtaAdapter>& mta, std::vector<Expectation>& expectations) {
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
  return kExitOk;
}

}  // namespace

int choose_target(RunArgs& args) {
  if (args.mta_given || args.adapter_files.empty()) return kExitOk;
  // `--adapter FILE` alone means that file's target, never the default one silently.
  std::vector<std::string> defined;
  try {
    for (const auto& given : args.adapter_files) {
      const bool dir = std::filesystem::is_directory(given);
      const auto file = dir ? (std::filesystem::path(given) / "manifest.yaml").string() : given;
      for (auto& name : harness::adapters::manifest_targets(file))
        defined.push_back(std::move(name));
    }
  } catch (const std::exception& e) {
    std::cerr << "stslab: --adapter: " << e.what() << "\n";
    return kExitUsage;
  }
  if (defined.size() != 1) {
    std::string list;
    for (const auto& name : defined)
      list += (list.empty() ? "" : ", ") + name;
    std::cerr << "stslab: --adapter defines " << defined.size() << " targets (" << list
              << "): name the one to run with --mta\n";
    return kExitUsage;
  }
  args.mta = defined.front();
  return kExitOk;
}

int run_command(const RunArgs& args) {
  die_with_parent();
  // 1. Everything that can be wrong with the request is found before the lab opens.
  std::vector<Scenario> scenarios;
  std::unique_ptr<MtaAdapter> mta;
  std::vector<Expectation> expectations;
  if (const int rc = check_request(args, scenarios, mta, expectations); rc != kExitOk) return rc;

  // 2. The lab: work directory, namespaces, environment, fakes (harness/lab/lab.cpp).
  const auto started = std::chrono::steady_clock::now();
  const bool moves_time = std::any_of(scenarios.begin(), scenarios.end(), [](const Scenario& s) {
    return std::find(s.needs.begin(), s.needs.end(), "time") != s.needs.end();
  });
  std::unique_ptr<Lab> lab;
  try {
    lab = Lab::open({.workdir = args.workdir, .keep = args.keep, .faketime = moves_time});
  } catch (const std::exception& e) {
    std::cerr << "stslab: " << e.what() << "\n";
    return exit_status(kExitLab);
  }
  RunResult run;
  run.target.adapter = args.mta;
  run.started_at = core::format_rfc3339(lab->clock().now());
  bool target_started = false;
  int rc = run_in_lab(*lab, *mta, scenarios, args, run, target_started);
  run.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  lab->close();
  if (!target_started) {  // no run to report; its evidence is in the work directory
    std::cerr << "stslab: work directory kept: " << lab->workdir().string() << "\n";
    return exit_status(kExitLab);
  }

  // 3. Reports and the summary.
  if (!args.report_dir.empty()) write_reports({run}, args.report_dir);
  rc = print_summary(run, args, expectations, rc);
  // Kept when asked, or when the harness itself failed (a lab fault, an ERROR verdict): a FAIL
  // is the sender's, and its evidence is in the reports.
  const bool harness_failed =
      rc == kExitLab || std::any_of(run.results.begin(), run.results.end(),
                                    [](const auto& r) { return r.verdict == Verdict::error; });
  if (lab->discard_workdir(harness_failed)) {
    std::cout << "stslab: work directory kept: " << lab->workdir().string() << "\n";
  }
  if (!args.report_dir.empty()) std::cout << "stslab: reports in " << args.report_dir << "\n";
  return exit_status(rc);
}

}  // namespace stslab::cli
