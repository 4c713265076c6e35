#include "stslab/harness/suite.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

namespace stslab::harness {

namespace {

bool moves_time(const Scenario& s) {
  return std::any_of(s.steps.begin(), s.steps.end(),
                     [](const Step& step) { return step.kind == Step::Kind::advance; });
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

  // Phase 1: every scenario that leaves the clock alone, side by side.
  std::vector<std::size_t> parallel, timed;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    (moves_time(scenarios[i]) ? timed : parallel).push_back(i);
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
