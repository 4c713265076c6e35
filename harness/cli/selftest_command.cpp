// `stslab selftest`: proves the catalog against the project's own sender. The reference target
// runs the whole selection and must get no FAIL and no WARN; each mutant (the reference with one
// deliberate defect, from the adapter manifests' `mutants:`) runs the scenarios citing what its
// defect breaks, and must draw a FAIL or WARN there. Each target is a separate `stslab run` (its
// own lab, its own report), several at a time; the scoring is mutation.hpp's.
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "commands.hpp"
#include "stslab/core/process.hpp"
#include "stslab/harness/adapters/registry.hpp"
#include "stslab/harness/mutation.hpp"
#include "stslab/harness/result.hpp"
#include "stslab/harness/scenario.hpp"
#include "stslab/harness/termination.hpp"

namespace fs = std::filesystem;

namespace stslab::cli {

using namespace stslab::harness;

namespace {

// A run takes seconds; this only stops a wedged one from hanging CI.
constexpr auto kRunTimeout = std::chrono::minutes(10);

// The `stslab run` children still running, so that Ctrl-C can stop them (each is in a process
// group of its own and would not see the terminal's signal).
struct Children {
  std::mutex mutex;
  std::condition_variable changed;
  std::set<pid_t> running;
  std::atomic<bool> interrupted{false};
};
Children g_children;

// On Ctrl-C: each run tears its own lab down on SIGTERM; a run that does not within 15 s is
// killed.
void stop_children_on_signal() {
  on_termination("stslab selftest", [](int) {
    g_children.interrupted = true;
    std::unique_lock lock(g_children.mutex);
    for (pid_t pid : g_children.running)
      kill(-pid, SIGTERM);
    g_children.changed.wait_for(lock, std::chrono::seconds(15),
                                [] { return g_children.running.empty(); });
    for (pid_t pid : g_children.running)
      kill(-pid, SIGKILL);
  });
}

struct Job {
  std::string target;
  std::vector<std::string> scenarios;  // ids; all of them are passed as exact globs
  fs::path dir;                        // report.json, junit.xml, report.md, run.log
  // Filled in by run_job.
  int exit_code = -1;
  std::optional<RunResult> run;
  std::string problem;
};

std::string self_executable() {
  std::error_code ec;
  const auto path = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("stslab") : path.string();
}

std::string tail_of(const fs::path& file, std::size_t max_lines) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  std::string out;
  for (std::size_t i = lines.size() > max_lines ? lines.size() - max_lines : 0; i < lines.size();
       ++i)
    out += "  " + lines[i] + "\n";
  return out;
}

void run_job(Job& job, const SelftestArgs& args) {
  fs::create_directories(job.dir);
  core::ProcessSpec spec{.argv = {self_executable(), "run", "--mta", job.target, "--report-dir",
                                  job.dir.string(), "--scenarios-dir", args.scenarios_dir,
                                  "--no-progress", "--jobs", std::to_string(args.jobs)},
                         // The run dies with this process, even one killed by SIGKILL.
                         .env = {{std::string(kDieWithParentVariable), std::to_string(getpid())}}};
  for (const auto& file : args.adapter_files) {
    spec.argv.insert(spec.argv.end(), {"--adapter", file});
  }
  for (const auto& id : job.scenarios) {
    spec.argv.insert(spec.argv.end(), {"--scenario", id});
  }
  auto child = core::Child::spawn(spec, (job.dir / "run.log").string());
  {
    std::lock_guard lock(g_children.mutex);
    g_children.running.insert(child.pid());
  }
  const bool exited = child.wait_until(std::chrono::steady_clock::now() + kRunTimeout);
  if (!exited) child.stop(std::chrono::seconds(5));
  job.exit_code = child.exit_code().value_or(-1);
  {
    std::lock_guard lock(g_children.mutex);
    g_children.running.erase(child.pid());
  }
  g_children.changed.notify_all();
  if (!exited) {
    job.problem = "stslab run did not finish within " +
                  std::to_string(std::chrono::minutes(kRunTimeout).count()) + " minutes";
    return;
  }
  try {
    std::ifstream in(job.dir / "report.json");
    if (!in) throw std::runtime_error("no report.json");
    auto runs = runs_from_json(nlohmann::json::parse(in));
    if (runs.empty()) throw std::runtime_error("report.json has no run");
    job.run = std::move(runs.front());
  } catch (const std::exception& e) {
    job.problem = "stslab run exited " + std::to_string(job.exit_code) + " (" + e.what() +
                  "); its output:\n" + tail_of(job.dir / "run.log", 8);
  }
}

// Runs the jobs `parallel` at a time.
void run_jobs(std::vector<Job>& jobs, const SelftestArgs& args) {
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < std::max(1, args.parallel); ++w) {
    workers.emplace_back([&] {
      for (std::size_t i = next++; i < jobs.size() && !g_children.interrupted; i = next++) {
        run_job(jobs[i], args);
        if (args.progress) {
          std::cerr << "stslab selftest: " << jobs[i].target << " done (" << (i + 1) << "/"
                    << jobs.size() << ")\n";
        }
      }
    });
  }
  for (auto& w : workers)
    w.join();
}

// The mutants of the reference target, those of --defect if given.
std::vector<Defect> defects_of(const SelftestArgs& args) {
  std::vector<Defect> defects;
  for (const auto& m : adapters::adapter_mutants()) {
    if (m.base != args.reference) continue;
    if (!args.defects.empty() &&
        std::find(args.defects.begin(), args.defects.end(), m.defect) == args.defects.end()) {
      continue;
    }
    defects.push_back({.target = m.target, .name = m.defect, .requirements = m.requirements});
  }
  return defects;
}

// The mutation score from the finished jobs; `runs` gets every run that produced a report.
SelftestResult score_jobs(const std::vector<Job>& jobs, const std::vector<Defect>& defects,
                          const std::vector<std::vector<std::string>>& ran,
                          const std::string& reference_target, std::vector<RunResult>& runs) {
  SelftestResult result{.reference = reference_target};
  const Job& reference = jobs.front();
  if (reference.run) {
    result.reference_failures = reference_failures(*reference.run);
  } else {
    result.reference_failures.push_back(reference_target + ": " + reference.problem);
  }
  std::map<std::string, const Job*> by_target;
  for (const auto& job : jobs)
    by_target[job.target] = &job;
  if (reference.run) runs.push_back(*reference.run);
  for (std::size_t i = 0; i < defects.size(); ++i) {
    const auto it = by_target.find(defects[i].target);
    const Job* job = it == by_target.end() ? nullptr : it->second;
    const RunResult* run = job && job->run ? &*job->run : nullptr;
    result.defects.push_back(score_defect(defects[i], ran[i], run, job ? job->problem : ""));
    if (run) runs.push_back(*run);
  }

  return result;
}

// One job for the reference over the whole selection, one per defect over the scenarios citing
// what it breaks (`ran`, per defect; a defect no scenario cites gets no job).
std::vector<Job> plan_jobs(const std::vector<Scenario>& catalog, const std::vector<Defect>& defects,
                           const std::string& reference_target, const fs::path& dir,
                           std::vector<std::vector<std::string>>& ran) {
  std::vector<Job> jobs;
  std::vector<std::string> all_ids;
  for (const auto& s : catalog)
    all_ids.push_back(s.id);
  jobs.push_back({.target = reference_target, .scenarios = all_ids, .dir = dir / "reference"});
  for (const auto& d : defects) {
    ran.push_back(scenarios_for(d, catalog));
    // A defect no scenario cites is scored without a run: nothing could catch it.
    if (!ran.back().empty()) {
      jobs.push_back({.target = d.target, .scenarios = ran.back(), .dir = dir / d.name});
    }
  }

  return jobs;
}

// Every run in one report (the usual three files) plus the selftest's own summary; a temporary
// report directory is removed once the summary is printed.
void write_selftest(const SelftestResult& result, const std::vector<RunResult>& runs,
                    const fs::path& report_dir, bool temporary) {
  write_reports(runs, report_dir.string());
  {
    std::ofstream(report_dir / "selftest.md") << render_selftest_markdown(result);
    std::ofstream(report_dir / "selftest.json") << selftest_to_json(result).dump(2) << "\n";
  }
  std::cout << render_selftest_markdown(result);
  if (temporary) {
    std::error_code ignored;
    fs::remove_all(report_dir, ignored);
  } else {
    std::cout << "\nstslab selftest: reports in " << report_dir.string() << "\n";
  }
}

}  // namespace

int selftest_command(const SelftestArgs& args) {
  if (const int rc = add_adapter_files(args.adapter_files); rc != kExitOk) return rc;
  std::vector<Scenario> catalog;
  try {
    for (auto& s : load_catalog(args.scenarios_dir)) {
      if (selected(s.id, args.scenario_globs)) catalog.push_back(std::move(s));
    }
  } catch (const ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return kExitUsage;
  }
  if (catalog.empty()) {
    std::cerr << "stslab selftest: no scenario matches the selection\n";
    return kExitUsage;
  }
  const std::vector<Defect> defects = defects_of(args);
  if (defects.empty()) {
    std::cerr << "stslab selftest: no mutant of '" << args.reference
              << "' (an adapter manifest's mutants: section) matches\n";
    return kExitUsage;
  }

  fs::path report_dir = args.report_dir;
  const bool temporary = report_dir.empty();
  if (temporary) {
    std::string tmpl = (fs::temp_directory_path() / "stslab-selftest-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a report directory");
    report_dir = tmpl;
  }
  std::vector<std::vector<std::string>> ran;  // per defect: the scenarios citing it
  std::vector<Job> jobs = plan_jobs(catalog, defects, args.reference, report_dir, ran);

  stop_children_on_signal();
  run_jobs(jobs, args);

  // A lab that cannot start (not root, a package missing) is the same for every run: say it once.
  for (const auto& job : jobs) {
    if (job.exit_code == kExitLab) {
      std::cerr << "stslab selftest: the lab could not start for " << job.target << ":\n"
                << tail_of(job.dir / "run.log", 8);
      return kExitLab;
    }
  }
  std::vector<RunResult> runs;
  const SelftestResult result = score_jobs(jobs, defects, ran, args.reference, runs);

  write_selftest(result, runs, report_dir, temporary);
  return result.passed() ? kExitOk : kExitFail;
}

}  // namespace stslab::cli
