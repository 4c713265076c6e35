#include "stslab/harness/suite.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

namespace stslab::harness {

namespace {

// The lab clock is shared by every scenario in flight. A short advance moves it for all of them,
// which none can notice: policy lifetimes and certificate validity in the catalog are hours to
// days, and every time-dependent expectation is a lower bound ("at least 2 minutes passed").
// A scenario that moves the clock further runs alone, after the others.
constexpr std::chrono::seconds kSharedAdvanceLimit{600};

// A report step moves the clock past midnight unless the target can be told to report now.
bool needs_the_clock_alone(const Scenario& s, const Capabilities& caps) {
  return std::any_of(s.steps.begin(), s.steps.end(), [&](const Step& step) {
    return (step.kind == Step::Kind::advance && step.by > kSharedAdvanceLimit) ||
           (step.kind == Step::Kind::report && !caps.report_flush);
  });
}

}  // namespace

std::vector<ScenarioResult> run_scenarios(LabServices& lab, MtaAdapter& mta,
                                          const std::vector<Scenario>& scenarios,
                                          const SuiteOptions& options) {
  std::vector<ScenarioResult> results(scenarios.size());
  std::size_t done = 0;
  std::mutex progress_mutex;
  auto run_one = [&](std::size_t i) {
    ScenarioRunner runner(lab, mta, scenarios[i], static_cast<int>(i), options.runner);
    results[i] = runner.run();
    std::lock_guard lock(progress_mutex);
    ++done;
    if (options.progress) options.progress(results[i], done, scenarios.size());
  };

  // Phase 1: every scenario that moves the clock at most a little, side by side.
  const auto caps = mta.capabilities();
  std::vector<std::size_t> parallel, timed;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    (needs_the_clock_alone(scenarios[i], caps) ? timed : parallel).push_back(i);
  }
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t k = next++; k < parallel.size(); k = next++)
      run_one(parallel[k]);
  };
  const int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(parallel.size())));
  std::vector<std::thread> workers;
  for (int j = 0; j < jobs && !parallel.empty(); ++j)
    workers.emplace_back(worker);
  for (auto& w : workers)
    w.join();

  // Phase 2: the lab clock is shared, so scenarios that move it run alone, one after another.
  for (std::size_t i : timed)
    run_one(i);
  return results;
}

}  // namespace stslab::harness
