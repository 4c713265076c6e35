// Runs one scenario against the lab and an MTA: checks once that the target has what the
// scenario needs, sets up its world, walks its steps (one table: step kind -> what it does),
// waits on journal events with deadlines (never fixed sleeps), then hands the journal slice
// and what it did to the judge (judge.hpp).
#pragma once

#include <chrono>
#include <string>

#include "stslab/harness/adapter.hpp"
#include "stslab/harness/judge.hpp"
#include "stslab/harness/lab_services.hpp"
#include "stslab/harness/result.hpp"
#include "stslab/harness/scenario.hpp"

namespace stslab::harness {

class WorldApplier;

struct RunnerOptions {
  // How long a message may take to settle (delivered, or deferred/bounced by the sender) after
  // a send or a flush, before the result is INCONCLUSIVE. Scaled by timeout_scale.
  std::chrono::milliseconds settle_timeout = std::chrono::seconds(30);
  double timeout_scale = 1.0;
  std::string message_dir;  // where message files are written
  std::string sender = "postmaster@sender.test";
};

class ScenarioRunner {
 public:
  ScenarioRunner(LabServices& lab, MtaAdapter& mta, const Scenario& scenario, int slot,
                 RunnerOptions options);
  ScenarioResult run();

 private:
  // What one step kind does; the table in scenario_runner.cpp maps every Step::Kind to one.
  using StepRun = void (ScenarioRunner::*)(WorldApplier& world, const Step& step);
  static StepRun step_run(Step::Kind kind);

  void run_prime(WorldApplier& world, const Step& step);
  void run_send(WorldApplier& world, const Step& step);
  void run_flush(WorldApplier& world, const Step& step);
  void run_change(WorldApplier& world, const Step& step);
  void run_advance(WorldApplier& world, const Step& step);
  void run_clear_cache(WorldApplier& world, const Step& step);
  void run_report(WorldApplier& world, const Step& step);

  void send(const std::string& name, bool prime);
  // Applies `world` and notes from which journal seq on it served an enforce policy or not.
  void apply_world(WorldApplier& applier, const WorldSpec& world);
  void wait_settled(const SentMessage& m, std::uint64_t after_seq, const std::string& why);
  void note(const std::string& summary);
  std::chrono::steady_clock::time_point deadline() const;

  LabServices& lab_;
  MtaAdapter& mta_;
  const Scenario& scenario_;
  int slot_;
  RunnerOptions options_;
  std::string domain_;
  TimelineRecord record_;
  std::chrono::steady_clock::duration waited_{0};
  int primes_ = 0;
};

}  // namespace stslab::harness
