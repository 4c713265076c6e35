// The judge: (scenario, its journal slice, what its timeline did) -> the scenario's result with
// the evidence it rests on. Pure: no lab, no waiting, no clock, so it is unit-tested on made-up
// journals (tests/harness/engine/judge_test.cpp). The runner only walks the steps and hands the
// record over; the data flows one way, fakes -> journal -> judge -> report.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stslab/core/journal.hpp"
#include "stslab/harness/policy_evidence.hpp"
#include "stslab/harness/result.hpp"
#include "stslab/harness/scenario.hpp"

namespace stslab::harness {

struct SentMessage {
  std::string name, recipient;
  std::uint64_t submitted_after = 0;  // journal seq just before submission
};

// What the timeline did, as far as judging needs to know.
struct TimelineRecord {
  std::vector<SentMessage> sent;
  std::vector<ServedPolicy> served;        // the worlds applied, in journal order
  std::vector<std::string> problems;       // waits that timed out, with what was awaited
  std::optional<std::string> lab_failure;  // the lab broke during the timeline: why
  std::uint64_t end_seq = 0;               // the journal's last seq when the timeline ended
};

// One scored message: its outcome classified from the journal, judged at the scenario's level;
// a PASS for a withheld message stands only if the sender had the enforce policy the world
// served (policy_evidence.hpp), else INCONCLUSIVE, or FAIL under `expect_policy_fetch`.
MessageResult judge_message(const Scenario& scenario, const std::vector<core::Event>& events,
                            const TimelineRecord& record, const std::string& name,
                            const std::vector<Outcome>& expected);

// The scenario's `expect_report` against its tlsrpt.report events: sets `reported`, adds
// evidence["tlsrpt"], and lowers the verdict to what a missing, wrong or invalid report earns.
void judge_reports(const Scenario& scenario, const std::vector<core::Event>& events,
                   ScenarioResult& result);

// A result that names the scenario (id, title, requirements, level, topics) and nothing else.
ScenarioResult blank_result(const Scenario& scenario);

// The whole result but its timings: every scored message, the worst of them decisive, the
// report expectation, the evidence summary and the timeline's problems.
ScenarioResult judge_scenario(const Scenario& scenario, const std::vector<core::Event>& events,
                              const TimelineRecord& record);

}  // namespace stslab::harness
