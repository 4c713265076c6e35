// Runs one scenario against the lab and an MTA: sets up its world, walks its steps, waits on
// journal events with deadlines (never fixed sleeps), classifies each scored message and
// judges it against the requirement.
#pragma once

#include <chrono>
#include <string>

#include "stslab/harness/adapter.hpp"
#include "stslab/harness/classifier.hpp"
#include "stslab/harness/lab_services.hpp"
#include "stslab/harness/policy_evidence.hpp"
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
  struct SentMessage {
    std::string name, recipient;
    std::uint64_t submitted_after = 0;  // journal seq just before submission
  };
  void step_send(const std::string& name, bool prime);
  void step_flush();
  void step_report(const Capabilities& caps);
  // The scenario's report expectation against the tlsrpt.report events: sets `reported` and,
  // where a report is missing, wrong or invalid, a verdict no better than that.
  void judge_reports(const std::vector<core::Event>& events, ScenarioResult& result) const;
  // Applies `world` and notes from which journal seq on it served an enforce policy or not.
  void apply_world(WorldApplier& applier, const WorldSpec& world);
  // A PASS for a withheld message stands only if the sender had the enforce policy the world
  // served (policy_evidence.hpp); else INCONCLUSIVE, or FAIL where fetching is the requirement.
  void credit_withheld(MessageResult& mr, const Classification& c,
                       const std::vector<core::Event>& events) const;
  void wait_settled(const SentMessage& m, std::uint64_t after_seq, const std::string& why);
  void note(const std::string& summary);
  std::chrono::steady_clock::time_point deadline() const;

  LabServices& lab_;
  MtaAdapter& mta_;
  const Scenario& scenario_;
  int slot_;
  RunnerOptions options_;
  std::string domain_;
  std::vector<SentMessage> sent_;
  std::vector<std::string> problems_;  // waits that timed out, with what was awaited
  std::chrono::steady_clock::duration waited_{0};
  int primes_ = 0;
  std::vector<ServedPolicy> served_;  // the worlds applied, in journal order
};

}  // namespace stslab::harness
