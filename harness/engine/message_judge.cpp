// Scored messages: outcome from the classifier, verdict by level, credit for a withholding only
// with the enforce policy fetched, and the events the outcome rests on as its evidence.
#include <algorithm>

#include "stslab/harness/classifier.hpp"
#include "stslab/harness/evidence.hpp"
#include "stslab/harness/judge.hpp"

namespace stslab::harness {
namespace {

// "event 412: #3 mx1.example.test stored message for ..." for each event the classification
// used, in journal order.
std::vector<std::string> evidence_lines(const std::vector<core::Event>& events,
                                        std::vector<std::uint64_t> seqs) {
  std::sort(seqs.begin(), seqs.end());
  std::vector<std::string> lines;
  for (const auto seq : seqs) {
    const auto it = std::find_if(events.begin(), events.end(),
                                 [seq](const core::Event& e) { return e.seq == seq; });
    if (it == events.end()) continue;
    auto line = describe_event(*it);
    lines.push_back("event " + std::to_string(seq) + ": " + (line.empty() ? it->kind : line));
  }
  return lines;
}

void credit_withheld(MessageResult& mr, const Scenario& scenario, const Classification& c,
                     const std::vector<core::Event>& events, const TimelineRecord& record) {
  if (mr.verdict != Verdict::pass || mr.outcome != Outcome::withheld) return;
  const auto& served = record.served;
  const bool enforce_served =
      std::any_of(served.begin(), served.end(), [](const ServedPolicy& s) { return s.enforce; });
  if (!enforce_served) return;
  const std::string domain = scenario.domain();
  const auto withheld_at = c.evidence_seqs.empty() ? record.end_seq + 1 : c.evidence_seqs.back();
  if (const auto fetch = enforce_policy_fetch(events, domain, served, withheld_at)) {
    mr.reason +=
        "; it had fetched the enforce policy before (event " + std::to_string(*fetch) + ")";
    const auto fetch_lines = evidence_lines(events, {*fetch});
    mr.evidence.insert(mr.evidence.end(), fetch_lines.begin(), fetch_lines.end());
    return;
  }
  const bool must_fetch = scenario.expect_policy_fetch;
  mr.verdict = must_fetch ? Verdict::fail : Verdict::inconclusive;
  mr.reason +=
      "; but the sender never fetched the enforce policy (no 200 answer to a GET of "
      "https://mta-sts." +
      domain +
      "/.well-known/mta-sts.txt while one was served), so the withholding is not MTA-STS "
      "at work" +
      (must_fetch ? ", and fetching it is the requirement" : "");
}

}  // namespace

MessageResult judge_message(const Scenario& scenario, const std::vector<core::Event>& events,
                            const TimelineRecord& record, const std::string& name,
                            const std::vector<Outcome>& expected) {
  MessageResult mr;
  mr.name = name;
  mr.expected = expected;
  const auto it = std::find_if(record.sent.begin(), record.sent.end(),
                               [&](const SentMessage& s) { return s.name == name; });
  if (it == record.sent.end()) {
    mr.verdict = Verdict::error;
    mr.reason = "message was never sent";
    return mr;
  }
  mr.recipient = it->recipient;
  const auto c = classify(events, it->recipient, it->submitted_after);
  mr.outcome = c.outcome;
  mr.verdict = judge(c.outcome, expected, scenario.level);
  mr.reason = c.reason;
  mr.evidence = evidence_lines(events, c.evidence_seqs);
  credit_withheld(mr, scenario, c, events, record);
  if (!c.outcome && !record.problems.empty()) mr.reason += "; " + record.problems.back();
  return mr;
}

ScenarioResult blank_result(const Scenario& scenario) {
  ScenarioResult result;
  result.scenario = scenario.id;
  result.title = scenario.title;
  result.requirements = scenario.requirements;
  result.level = scenario.level;
  result.topics = scenario.topics;
  return result;
}

ScenarioResult judge_scenario(const Scenario& scenario, const std::vector<core::Event>& events,
                              const TimelineRecord& record) {
  ScenarioResult result = blank_result(scenario);
  if (record.lab_failure) {
    result.verdict = Verdict::error;
    result.reason = "the lab failed: " + *record.lab_failure;
  } else {
    for (const auto& [name, expected] : scenario.expect)
      result.messages.push_back(judge_message(scenario, events, record, name, expected));
    // The scenario stands or falls with its worst message.
    const MessageResult* decisive = nullptr;
    for (const auto& mr : result.messages) {
      if (!decisive || severity(mr.verdict) > severity(decisive->verdict)) decisive = &mr;
    }
    if (decisive) {
      result.expected = decisive->expected;
      result.outcome = decisive->outcome;
      result.verdict = decisive->verdict;
      result.reason = decisive->name + ": " + decisive->reason;
    }
  }
  result.reported = std::any_of(events.begin(), events.end(),
                                [](const core::Event& e) { return e.kind == "tlsrpt.report"; });
  // First, so that judge_reports can add its own part ("tlsrpt") to it.
  result.evidence = summarize_evidence(events);
  if (!record.lab_failure && !scenario.expect_report.empty()) {
    try {
      judge_reports(scenario, events, result);
    } catch (const std::exception& e) {
      // Whatever a report holds, the run goes on: this scenario says what went wrong.
      result.verdict = Verdict::error;
      result.reason = std::string("judging the TLS-RPT reports failed: ") + e.what();
    }
  }
  if (!record.problems.empty()) result.evidence["problems"] = record.problems;
  return result;
}

}  // namespace stslab::harness
