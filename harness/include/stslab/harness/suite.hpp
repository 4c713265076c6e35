// Runs many scenarios against one lab and one MTA instance, side by side: each scenario has its
// own domain and address block, so they cannot disturb each other. Scenarios that move the lab
// clock by more than a few minutes run alone, after the others (suite.cpp says why).
#pragma once

#include <functional>
#include <vector>

#include "stslab/harness/scenario_runner.hpp"

namespace stslab::harness {

struct SuiteOptions {
  int jobs = 4;  // scenarios in flight at once
  RunnerOptions runner;
  // Called after each scenario (from a worker thread, one call at a time).
  std::function<void(const ScenarioResult&, std::size_t done, std::size_t total)> progress;
};

// Results in the order of `scenarios`.
std::vector<ScenarioResult> run_scenarios(LabServices& lab, MtaAdapter& mta,
                                          const std::vector<Scenario>& scenarios,
                                          const SuiteOptions& options);

}  // namespace stslab::harness
