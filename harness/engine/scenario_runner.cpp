#include "stslab/harness/scenario_runner.hpp"

#include <algorithm>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "stslab/harness/classifier.hpp"
#include "stslab/harness/evidence.hpp"
#include "stslab/harness/world_applier.hpp"

namespace stslab::harness {
namespace {

using Clock = std::chrono::steady_clock;

// Raised inside a run when the target lacks what a step needs.
struct Unsupported {
  std::string reason;
};

// A member of a JSON object, or null: iterating null visits nothing.
const nlohmann::json& member(const nlohmann::json& j, const char* key) {
  static const nlohmann::json none;
  if (!j.is_object()) return none;
  const auto it = j.find(key);
  return it == j.end() ? none : *it;
}

// A string member of a JSON object, or `fallback` for anything else: reports are the sender's
// data, and a report of the wrong shape must give a finding, never an exception.
std::string text(const nlohmann::json& j, const char* key, const char* fallback = "") {
  const auto& v = member(j, key);
  return v.is_string() ? v.get<std::string>() : std::string(fallback);
}

// A policy line without its line ending and trailing blanks.
std::string trim_line(std::string line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
    line.pop_back();
  }
  return line;
}

int severity(Verdict v) {
  switch (v) {
    case Verdict::pass:
      return 0;
    case Verdict::info:
      return 1;
    case Verdict::unsupported:
      return 2;
    case Verdict::warn:
      return 3;
    case Verdict::inconclusive:
      return 4;
    case Verdict::error:
      return 5;
    case Verdict::fail:
      return 6;
  }
  return 0;
}

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

Clock::time_point ScenarioRunner::deadline() const {
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(options_.settle_timeout *
                                                                    options_.timeout_scale);
}

void ScenarioRunner::note(const std::string& summary) {
  lab_.journal().append(core::Source::harness, "harness.step", domain_, "",
                        {{"scenario", scenario_.id}, {"summary", summary}});
}

void ScenarioRunner::wait_settled(const SentMessage& m, std::uint64_t after_seq,
                                  const std::string& why) {
  const auto start = Clock::now();
  const auto got = lab_.journal().wait_for(
      [&](const core::Event& e) { return settles(e, m.recipient); }, deadline(), after_seq);
  waited_ += Clock::now() - start;
  if (!got) {
    problems_.push_back("timed out after " +
                        std::to_string(static_cast<long long>(options_.settle_timeout.count() *
                                                              options_.timeout_scale / 1000)) +
                        " s waiting for " + m.recipient + " to settle (" + why + ")");
  }
}

void ScenarioRunner::apply_world(WorldApplier& applier, const WorldSpec& world) {
  served_.push_back(
      {.from_seq = lab_.journal().last_seq(), .enforce = serves_enforce_policy(world)});
  applier.apply(world);
}

void ScenarioRunner::credit_withheld(MessageResult& mr, const Classification& c,
                                     const std::vector<core::Event>& events) const {
  if (mr.verdict != Verdict::pass || mr.outcome != Outcome::withheld) return;
  const bool enforce_served =
      std::any_of(served_.begin(), served_.end(), [](const ServedPolicy& s) { return s.enforce; });
  if (!enforce_served) return;
  const auto withheld_at =
      c.evidence_seqs.empty() ? lab_.journal().last_seq() + 1 : c.evidence_seqs.back();
  if (const auto fetch = enforce_policy_fetch(events, domain_, served_, withheld_at)) {
    mr.reason +=
        "; it had fetched the enforce policy before (event " + std::to_string(*fetch) + ")";
    return;
  }
  const bool must_fetch = fetching_is_the_requirement(scenario_.requirements);
  mr.verdict = must_fetch ? Verdict::fail : Verdict::inconclusive;
  mr.reason +=
      "; but the sender never fetched the enforce policy (no 200 answer to a GET of "
      "https://mta-sts." +
      domain_ +
      "/.well-known/mta-sts.txt while one was served), so the withholding is not MTA-STS "
      "at work" +
      (must_fetch ? ", and fetching it is the requirement" : "");
}

void ScenarioRunner::step_send(const std::string& name, bool prime) {
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
  sent_.push_back(m);
  wait_settled(m, m.submitted_after, prime ? "prime" : "send");
  if (prime) {
    // Harness design note 1: the warm-up is scored nowhere, but whether the sender fetched the
    // policy is evidence for everything after it.
    const auto fetched = lab_.journal().query(
        {.domain = "mta-sts." + domain_, .kind = "https.request", .after_seq = m.submitted_after});
    const bool ok = std::any_of(fetched.begin(), fetched.end(), [](const core::Event& e) {
      return e.data.value("status", 0) == 200;
    });
    note(ok ? "prime: the sender fetched the policy (200)"
            : "prime: the sender did not fetch the policy");
  }
}

void ScenarioRunner::step_report(const Capabilities& caps) {
  const auto after = lab_.journal().last_seq();
  if (caps.report_flush) {
    note("report: ask the sender to send its TLS-RPT reports now");
    mta_.send_reports(domain_);
  } else if (caps.time_control) {
    // RFC 8460 §4.1: a report covers a UTC day and goes out after it ends. Move past the next
    // midnight, plus an hour for senders that wait a little. The suite runs such scenarios
    // alone, since the whole lab's clock moves.
    using namespace std::chrono;
    const auto now = duration_cast<seconds>(lab_.clock().now().time_since_epoch());
    const auto to_midnight = hours(24) - now % hours(24);
    note("report: move the clock past midnight UTC (" + std::to_string(to_midnight.count()) +
         " s + 1 h)");
    lab_.advance(to_midnight + hours(1));
  } else {
    throw Unsupported{
        "the target can neither be asked to send its TLS-RPT reports nor have its clock moved "
        "past midnight UTC"};
  }
  // Every destination of the record under this domain should get one (RFC 8460 §3 lets a
  // sender pick only one of several: at least one is awaited, the rest get a short grace).
  const auto start = Clock::now();
  const auto first = lab_.journal().wait_for(
      {.domain = domain_, .kind = "tlsrpt.report", .after_seq = after}, deadline());
  waited_ += Clock::now() - start;
  if (!first) {
    problems_.push_back("no TLS-RPT report for " + domain_ + " arrived within the deadline");
    note("report: none arrived");
    return;
  }
  note("report: one arrived by " + first->data.value("transport", std::string("?")));
}

void ScenarioRunner::judge_reports(const std::vector<core::Event>& events,
                                   ScenarioResult& result) const {
  // Attribution: the induced failures must be reported for this domain, by result type.
  std::vector<std::vector<std::string>> served;  // every policy served, as lines
  const auto add_served = [&](const WorldSpec& w) {
    if (!w.policy) return;
    std::vector<std::string> lines;
    std::istringstream stream(render_policy(*w.policy, domain_));
    for (std::string line; std::getline(stream, line);) {
      line = trim_line(line);
      if (!line.empty()) lines.push_back(line);
    }
    served.push_back(std::move(lines));
  };
  add_served(scenario_.world);
  for (const auto& step : scenario_.steps) {
    if (step.kind == Step::Kind::change) add_served(step.change);
  }
  std::set<std::string> reported_types;
  std::vector<std::string> invalid, sloppy, dkim;
  bool any = false;
  bool dkim_verified = false;  // some mailed report's signature verified (RPT-12)
  for (const auto& e : events) {
    if (e.kind != "tlsrpt.report") continue;
    any = true;
    const auto& a = member(e.data, "analysis");
    const std::string via = text(e.data, "transport", "?");
    for (const auto& sig : member(e.data, "dkim")) {
      const std::string status = text(sig, "status");
      const std::string who = "(d=" + text(sig, "domain") + ", s=" + text(sig, "selector") + ")";
      dkim_verified = dkim_verified || status == "verified";
      dkim.push_back(via + ": DKIM signature " +
                     (status == "verified" ? "verified " + who
                                           : who + " " + status + ": " + text(sig, "detail")));
    }
    if (!a.is_object() || text(a, "status") != "ok") {
      invalid.push_back(via + ": unreadable report: " + member(e.data, "error").dump());
      continue;
    }
    for (const auto& d : member(a, "domains")) {
      if (!core::name_is_at_or_below(text(d, "policy-domain"), domain_)) continue;
      for (const auto& [type, count] : member(d, "failures-by-result-type").items()) {
        if (count.is_number() && count.get<long long>() > 0) reported_types.insert(type);
      }
    }
    // RPT-25: an sts policy-string is the policy served, one string per line. Any policy a
    // world of this scenario served counts (a step may have changed it); an empty one is what
    // a sender writes when no policy could be fetched.
    for (const auto& p : member(member(e.data, "report"), "policies")) {
      const auto& policy = member(p, "policy");
      if (text(policy, "policy-type") != "sts" ||
          !core::name_is_at_or_below(text(policy, "policy-domain"), domain_)) {
        continue;
      }
      const auto& lines = member(policy, "policy-string");
      if (!lines.is_array() || lines.empty()) continue;
      std::vector<std::string> sent;
      for (const auto& l : lines) {
        auto line = l.is_string() ? trim_line(l.get<std::string>()) : l.dump();
        if (!line.empty()) sent.push_back(std::move(line));
      }
      if (std::find(served.begin(), served.end(), sent) == served.end()) {
        invalid.push_back(via + ": RPT-25 (MUST): the policy-string is not a policy this domain " +
                          "served: " + lines.dump());
      }
    }
    for (const auto& f : member(a, "findings")) {
      const std::string line =
          via + ": " + text(f, "id") + " (" + text(f, "level") + "): " + text(f, "message");
      const std::string severity_word = text(f, "severity");
      if (severity_word == "invalid") invalid.push_back(line);
      if (severity_word == "sloppy") sloppy.push_back(line);
    }
  }
  std::vector<std::string> missing;
  for (const auto& type : scenario_.expect_report) {
    if (!reported_types.count(type)) missing.push_back(type);
  }
  result.reported = any && missing.empty();
  nlohmann::json evidence = {
      {"expected", scenario_.expect_report},
      {"reported", std::vector<std::string>(reported_types.begin(), reported_types.end())},
      {"invalid", invalid},
      {"sloppy", sloppy},
      {"dkim", dkim}};
  result.evidence["tlsrpt"] = evidence;

  // The report verdict joins the messages': the worse one stands.
  Verdict verdict = Verdict::pass;
  std::string reason;
  const auto by_level = [&](Verdict v, std::string why) {
    if (severity(v) > severity(verdict)) {
      verdict = v;
      reason = std::move(why);
    }
  };
  // Not reporting breaks the scenario's requirement at its level (MUST: FAIL, SHOULD: WARN).
  const Verdict broken = scenario_.level == Level::must     ? Verdict::fail
                         : scenario_.level == Level::should ? Verdict::warn
                                                            : Verdict::info;
  if (!any) {
    by_level(broken, "no TLS-RPT report for " + domain_ + " arrived");
  } else if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing)
      list += (list.empty() ? "" : ", ") + m;
    by_level(broken, "the report does not name the induced failure (" + list + ")");
  }
  if (!invalid.empty()) by_level(Verdict::fail, "invalid report: " + invalid.front());
  if (!sloppy.empty()) by_level(Verdict::warn, "off-spec report: " + sloppy.front());
  // RPT-12 can be judged only against a key the lab knows (the adapter's own DNS records): a
  // signature nobody could check is no pass. A failed one is already an invalid finding.
  const auto& reqs = scenario_.requirements;
  if (any && !dkim_verified && std::find(reqs.begin(), reqs.end(), "RPT-12") != reqs.end()) {
    by_level(Verdict::inconclusive,
             "RPT-12: no mailed report's DKIM signature could be verified (the target published "
             "no key in the lab's DNS, or no report came by mail)");
  }
  if (severity(verdict) > severity(result.verdict)) {
    result.verdict = verdict;
    result.reason = "report: " + reason;
  }
}

void ScenarioRunner::step_flush() {
  if (!mta_.capabilities().flush) throw Unsupported{"the target cannot be asked to retry"};
  note("flush: ask the sender to retry now");
  const auto events = lab_.journal().query({.domain = domain_});
  const auto after = lab_.journal().last_seq();
  const auto start = Clock::now();
  mta_.flush_for(domain_);
  waited_ += Clock::now() - start;
  for (const auto& m : sent_) {
    const auto c = classify(events, m.recipient, m.submitted_after);
    const bool delivered = c.outcome && *c.outcome != Outcome::withheld;
    if (!delivered) wait_settled(m, after, "flush");
  }
}

ScenarioResult ScenarioRunner::run() {
  const auto started = Clock::now();
  ScenarioResult result;
  result.scenario = scenario_.id;
  result.title = scenario_.title;
  result.requirements = scenario_.requirements;
  result.level = scenario_.level;
  result.topics = scenario_.topics;

  const auto caps = mta_.capabilities();
  for (const auto& need : scenario_.needs) {
    const bool has = (need == "flush" && caps.flush) ||
                     (need == "clear-cache" && caps.clear_cache) ||
                     (need == "time" && caps.time_control) || (need == "tls-rpt" && caps.tls_rpt) ||
                     (need == "mta-sts" && caps.mta_sts);
    if (!has) {
      result.verdict = Verdict::unsupported;
      result.reason = "the target lacks the capability '" + need + "' this case needs";
      return result;
    }
  }

  const auto first_seq = lab_.journal().last_seq();
  WorldApplier world(lab_, domain_, slot_);
  std::optional<std::string> unsupported;
  try {
    apply_world(world, scenario_.world);
    note("world '" + scenario_.base_world + "' applied for " + domain_);
    for (const auto& step : scenario_.steps) {
      switch (step.kind) {
        case Step::Kind::prime:
          step_send("prime" + std::to_string(++primes_), true);
          break;
        case Step::Kind::send:
          step_send(step.message, false);
          break;
        case Step::Kind::flush:
          step_flush();
          break;
        case Step::Kind::change:
          apply_world(world, step.change);
          note("change: " + step.summary);
          break;
        case Step::Kind::advance:
          // The suite runs scenarios that move time one at a time, after the others, so the
          // shared clock moves under nobody else's feet.
          if (!caps.time_control) {
            throw Unsupported{"the target's clock cannot be moved (no time control)"};
          }
          note("advance the lab clock by " + std::to_string(step.by.count()) + " s");
          lab_.advance(step.by);
          break;
        case Step::Kind::report:
          step_report(caps);
          break;
        case Step::Kind::clear_cache:
          if (!caps.clear_cache) throw Unsupported{"the target cannot clear its policy cache"};
          note("clear the sender's policy cache");
          mta_.clear_policy_cache_for(domain_);
          break;
      }
    }
  } catch (const Unsupported& u) {
    unsupported = u.reason;
  } catch (const std::exception& e) {
    result.verdict = Verdict::error;
    result.reason = std::string("the lab failed: ") + e.what();
  }

  const auto events = lab_.journal().query({.domain = domain_, .after_seq = first_seq});
  if (!unsupported && result.verdict != Verdict::error) {
    for (const auto& [name, expected] : scenario_.expect) {
      MessageResult mr;
      mr.name = name;
      mr.expected = expected;
      auto it = std::find_if(sent_.begin(), sent_.end(),
                             [&](const SentMessage& s) { return s.name == name; });
      if (it == sent_.end()) {
        mr.verdict = Verdict::error;
        mr.reason = "message was never sent";
      } else {
        mr.recipient = it->recipient;
        const auto c = classify(events, it->recipient, it->submitted_after);
        mr.outcome = c.outcome;
        mr.verdict = judge(c.outcome, expected, scenario_.level);
        mr.reason = c.reason;
        credit_withheld(mr, c, events);
        if (!c.outcome && !problems_.empty()) mr.reason += "; " + problems_.back();
      }
      result.messages.push_back(mr);
    }
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
  } else if (unsupported) {
    result.verdict = Verdict::unsupported;
    result.reason = *unsupported;
  }

  result.reported = std::any_of(events.begin(), events.end(),
                                [](const core::Event& e) { return e.kind == "tlsrpt.report"; });
  // First, so that judge_reports can add its own part ("tlsrpt") to it.
  result.evidence = summarize_evidence(events);
  if (!unsupported && result.verdict != Verdict::error && !scenario_.expect_report.empty()) {
    try {
      judge_reports(events, result);
    } catch (const std::exception& e) {
      // Whatever a report holds, the run goes on: this scenario says what went wrong.
      result.verdict = Verdict::error;
      result.reason = std::string("judging the TLS-RPT reports failed: ") + e.what();
    }
  }
  if (!problems_.empty()) result.evidence["problems"] = problems_;
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  result.harness_overhead =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started - waited_);
  world.clear();
  return result;
}

}  // namespace stslab::harness
