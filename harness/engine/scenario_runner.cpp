#include "stslab/harness/scenario_runner.hpp"

#include <algorithm>
#include <fstream>
#include <mutex>
#include <random>

#include "stslab/core/events/harness.hpp"
#include "stslab/core/events/https.hpp"
#include "stslab/harness/capability_words.hpp"
#include "stslab/harness/classifier.hpp"
#include "stslab/harness/world_applier.hpp"

namespace stslab::harness {
namespace {

using Clock = std::chrono::steady_clock;

std::string write_message(const std::string& dir, const std::string& from, const std::string& to,
                          const std::string& subject, std::string& message_id) {
  static std::mt19937_64 rng{std::random_device{}()};
  static std::mutex rng_mutex;
  {
    std::lock_guard lock(rng_mutex);
    message_id = std::to_string(rng()) + "@stslab.test";
  }
  const std::string path = dir + "/" + to + ".eml";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << "From: <" << from << ">\r\n"
      << "To: <" << to << ">\r\n"
      << "Subject: " << subject << "\r\n"
      << "Message-ID: <" << message_id << ">\r\n"
      << "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
      << "This message was sent by stslab, an MTA-STS conformance lab.\r\n";
  if (!out) throw std::runtime_error("cannot write message file " + path);
  return path;
}

}  // namespace

ScenarioRunner::ScenarioRunner(LabServices& lab, MtaAdapter& mta, const Scenario& scenario,
                               int slot, RunnerOptions options)
    : lab_(lab),
      mta_(mta),
      scenario_(scenario),
      slot_(slot),
      options_(std::move(options)),
      domain_(scenario.domain()) {}

ScenarioRunner::StepRun ScenarioRunner::step_run(Step::Kind kind) {
  // What each step does. What it needs of the target is checked once, before the scenario
  // starts, from the capability words its steps imply (step_reader.cpp, capability_words.hpp).
  switch (kind) {
    case Step::Kind::prime:
      return &ScenarioRunner::run_prime;
    case Step::Kind::send:
      return &ScenarioRunner::run_send;
    case Step::Kind::flush:
      return &ScenarioRunner::run_flush;
    case Step::Kind::change:
      return &ScenarioRunner::run_change;
    case Step::Kind::advance:
      return &ScenarioRunner::run_advance;
    case Step::Kind::clear_cache:
      return &ScenarioRunner::run_clear_cache;
    case Step::Kind::report:
      return &ScenarioRunner::run_report;
  }
  throw std::logic_error("a step kind without a run");
}

Clock::time_point ScenarioRunner::deadline() const {
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(options_.settle_timeout *
                                                                    options_.timeout_scale);
}

void ScenarioRunner::note(const std::string& summary) {
  core::events::append(lab_.journal(),
                       core::events::HarnessStep{.scenario = scenario_.id, .summary = summary},
                       domain_, "");
}

void ScenarioRunner::wait_settled(const SentMessage& m, std::uint64_t after_seq,
                                  const std::string& why) {
  const auto start = Clock::now();
  const auto got = lab_.journal().wait_for(
      [&](const core::Event& e) { return settles(e, m.recipient); }, deadline(), after_seq);
  waited_ += Clock::now() - start;
  if (!got) {
    record_.problems.push_back(
        "timed out after " +
        std::to_string(static_cast<long long>(options_.settle_timeout.count() *
                                              options_.timeout_scale / 1000)) +
        " s waiting for " + m.recipient + " to settle (" + why + ")");
  }
}

void ScenarioRunner::apply_world(WorldApplier& applier, const WorldSpec& world) {
  record_.served.push_back(
      {.from_seq = lab_.journal().last_seq(), .enforce = serves_enforce_policy(world)});
  applier.apply(world);
}

void ScenarioRunner::send(const std::string& name, bool prime) {
  SentMessage m;
  m.name = name;
  m.recipient = name + "@" + domain_;
  std::string message_id;
  const auto path = write_message(options_.message_dir, options_.sender, m.recipient,
                                  "stslab " + scenario_.id + " " + name, message_id);
  note(std::string(prime ? "prime: " : "send: ") + m.recipient);
  m.submitted_after = lab_.journal().last_seq();
  const auto start = Clock::now();
  mta_.submit({.from = options_.sender, .to = m.recipient, .path = path, .message_id = message_id});
  waited_ += Clock::now() - start;
  record_.sent.push_back(m);
  wait_settled(m, m.submitted_after, prime ? "prime" : "send");
}

void ScenarioRunner::run_prime(WorldApplier&, const Step&) {
  send("prime" + std::to_string(++primes_), true);
  // Harness design note 1: the warm-up is scored nowhere, but whether the sender fetched the
  // policy is evidence for everything after it.
  const auto fetched = lab_.journal().query({.domain = "mta-sts." + domain_,
                                             .kind = "https.request",
                                             .after_seq = record_.sent.back().submitted_after});
  const bool ok = std::any_of(fetched.begin(), fetched.end(), [](const core::Event& e) {
    const auto request = core::events::as<core::events::HttpsRequest>(e);
    return request && request->status == 200;
  });
  note(ok ? "prime: the sender fetched the policy (200)"
          : "prime: the sender did not fetch the policy");
}

void ScenarioRunner::run_send(WorldApplier&, const Step& step) {
  send(step.message, false);
}

void ScenarioRunner::run_flush(WorldApplier&, const Step&) {
  note("flush: ask the sender to retry now");
  const auto events = lab_.journal().query({.domain = domain_});
  const auto after = lab_.journal().last_seq();
  const auto start = Clock::now();
  mta_.flush_for(domain_);
  waited_ += Clock::now() - start;
  for (const auto& m : record_.sent) {
    const auto c = classify(events, m.recipient, m.submitted_after);
    const bool delivered = c.outcome && *c.outcome != Outcome::withheld;
    if (!delivered) wait_settled(m, after, "flush");
  }
}

void ScenarioRunner::run_change(WorldApplier& world, const Step& step) {
  apply_world(world, step.change);
  note("change: " + step.summary);
}

void ScenarioRunner::run_advance(WorldApplier&, const Step& step) {
  // The suite runs scenarios that move time one at a time, after the others, so the shared
  // clock moves under nobody else's feet.
  note("advance the lab clock by " + std::to_string(step.by.count()) + " s");
  lab_.advance(step.by);
}

void ScenarioRunner::run_clear_cache(WorldApplier&, const Step&) {
  note("clear the sender's policy cache");
  mta_.clear_policy_cache_for(domain_);
}

void ScenarioRunner::run_report(WorldApplier&, const Step&) {
  const auto after = lab_.journal().last_seq();
  if (mta_.capabilities().report_flush) {
    note("report: ask the sender to send its TLS-RPT reports now");
    mta_.send_reports(domain_);
  } else {
    // RFC 8460 §4.1: a report covers a UTC day and goes out after it ends. Move past the next
    // midnight, plus an hour for senders that wait a little (the need report-trigger says the
    // target has one of the two). The suite runs such scenarios alone: the lab's clock moves.
    using namespace std::chrono;
    const auto now = duration_cast<seconds>(lab_.clock().now().time_since_epoch());
    const auto to_midnight = hours(24) - now % hours(24);
    note("report: move the clock past midnight UTC (" + std::to_string(to_midnight.count()) +
         " s + 1 h)");
    lab_.advance(to_midnight + hours(1));
  }
  // Every destination of the record under this domain should get one (RFC 8460 §3 lets a
  // sender pick only one of several: at least one is awaited, the rest get a short grace).
  const auto start = Clock::now();
  const auto first = lab_.journal().wait_for(
      {.domain = domain_, .kind = "tlsrpt.report", .after_seq = after}, deadline());
  waited_ += Clock::now() - start;
  if (!first) {
    record_.problems.push_back("no TLS-RPT report for " + domain_ + " arrived within the deadline");
    note("report: none arrived");
    return;
  }
  const auto report = core::events::from_data<core::events::TlsrptReport>(first->data);
  note("report: one arrived by " + (report.transport.empty() ? "?" : report.transport));
}

ScenarioResult ScenarioRunner::run() {
  const auto started = Clock::now();
  if (const auto lacking = lacking_capability(scenario_.needs, mta_.capabilities())) {
    ScenarioResult result = blank_result(scenario_);
    result.verdict = Verdict::unsupported;
    result.reason = *lacking;
    return result;
  }
  const auto first_seq = lab_.journal().last_seq();
  WorldApplier world(lab_, domain_, slot_);
  try {
    apply_world(world, scenario_.world);
    note("world '" + scenario_.base_world + "' applied for " + domain_);
    for (const auto& step : scenario_.steps)
      (this->*step_run(step.kind))(world, step);
  } catch (const std::exception& e) {
    record_.lab_failure = e.what();
  }
  record_.end_seq = lab_.journal().last_seq();
  const auto events = lab_.journal().query({.domain = domain_, .after_seq = first_seq});
  ScenarioResult result = judge_scenario(scenario_, events, record_);
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  result.harness_overhead =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started - waited_);
  world.clear();
  return result;
}

}  // namespace stslab::harness
