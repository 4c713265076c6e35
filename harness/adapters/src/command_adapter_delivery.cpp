// CommandAdapter's deliveries: submit and retry, the status command and its watcher, the
// policy cache and reports on request. The lifecycle (start, stop) is in command_adapter.cpp.
#include <algorithm>
#include <stdexcept>

#include "process_text.hpp"
#include "stslab/core/events/mta.hpp"
#include "stslab/core/names.hpp"
#include "stslab/harness/adapters/command_adapter.hpp"
#include "stslab/harness/adapters/log_parser.hpp"
#include "stslab/harness/adapters/shell_quote.hpp"
#include "stslab/harness/adapters/waits.hpp"

namespace stslab::harness::adapters {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kFirstPoll = std::chrono::milliseconds(50);
constexpr auto kLastPoll = std::chrono::milliseconds(1000);

bool final_state(const std::string& state) {
  return state == "delivered" || state == "bounced" || state == "no-answer";
}

}  // namespace

void CommandAdapter::submit(const OutgoingMessage& message) {
  if (!started_) throw std::logic_error(target_.name + ": submit() before start()");
  const auto key = message.message_id.empty() ? message.to : message.message_id;
  {
    std::lock_guard lock(records_mutex_);
    auto [it, added] = records_.try_emplace(key);
    if (!added && it->second.in_flight) {
      throw std::logic_error(target_.name + ": " + key + " is being submitted already");
    }
    if (added) order_.push_back(key);
    it->second = Record{.message = message, .in_flight = true};
  }
  if (manifest_.submit_mode == SubmitMode::oneshot) {
    attempt(key);
    return;
  }
  try {
    run_checked("submitting to " + message.to, submit_command(message));
  } catch (...) {
    std::lock_guard lock(records_mutex_);
    records_[key].in_flight = false;
    records_[key].state = "bounced";
    throw;
  }
  {
    std::lock_guard lock(records_mutex_);
    records_[key].in_flight = false;
  }
  wake_watcher();
}

void CommandAdapter::attempt(const std::string& key) {
  OutgoingMessage message;
  {
    std::lock_guard lock(records_mutex_);
    message = records_.at(key).message;
  }
  DeliveryReport report;
  try {
    const auto domain = recipient_domain(message.to);
    const auto lock = prepare_state(domain);
    auto spec = spec_for(submit_command(message), domain);
    spec.output_limit = kOutputLimit;
    const auto result = core::run_process(spec, "", manifest_.timeout);
    report = parse_oneshot_result(result);
  } catch (...) {
    std::lock_guard lock(records_mutex_);
    records_.at(key).in_flight = false;
    throw;
  }
  {
    // The record first: whoever wakes on the event and asks queue() sees the same.
    std::lock_guard lock(records_mutex_);
    auto& r = records_.at(key);
    r.state = report.state;
    r.reason = report.reason;
    r.journaled = report.state + "\n" + report.reason;
    ++r.attempts;
    r.in_flight = false;
  }
  journal_delivery(message, report);
}

void CommandAdapter::journal_delivery(const OutgoingMessage& message,
                                      const DeliveryReport& report) const {
  const auto queue_id = message.message_id.empty() ? message.to : message.message_id;
  const auto data = delivery_event_data(report, message.to, queue_id);
  core::events::append(*lab_.journal, core::events::from_data<core::events::MtaDelivery>(data),
                       recipient_domain(message.to), relay_host(data));
}

void CommandAdapter::flush() {
  flush_for("");
}

void CommandAdapter::flush_for(const std::string& policy_domain) {
  if (!started_) return;
  if (!manifest_.flush.empty()) {
    run_checked("flush", render_lab(manifest_.flush, "commands.flush"));
    if (!manifest_.status.empty()) refresh_from_status();
    wake_watcher();
    return;
  }
  if (manifest_.submit_mode != SubmitMode::oneshot) return;  // no way to ask a daemon
  // A one-shot sender retries by being run again, for every message still deferred. Different
  // domains' retries run side by side (each may wait on its own timeouts); one domain's take
  // turns, since they share its state directory (prepare_state).
  std::vector<std::string> keys;
  {
    std::lock_guard lock(records_mutex_);
    for (const auto& key : order_) {
      auto& r = records_.at(key);
      const bool ours =
          policy_domain.empty() ||
          core::ascii_lower(recipient_domain(r.message.to)) == core::ascii_lower(policy_domain);
      if (ours && r.state == "deferred" && !r.in_flight) {
        r.in_flight = true;
        keys.push_back(key);
      }
    }
  }
  std::vector<std::exception_ptr> errors(keys.size());
  std::vector<std::thread> threads;
  threads.reserve(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    threads.emplace_back([this, &keys, &errors, i] {
      try {
        attempt(keys[i]);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    });
  }
  for (auto& t : threads)
    t.join();
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

std::vector<DeliveryReport> CommandAdapter::refresh_from_status() {
  const auto r = run_checked("reading the status", render_lab(manifest_.status, "commands.status"));
  auto reports = parse_status_lines(r.out);
  std::vector<std::pair<OutgoingMessage, DeliveryReport>> changed;
  {
    std::lock_guard lock(records_mutex_);
    for (auto& report : reports) {
      auto it = records_.find(report.id);
      if (it == records_.end()) {
        it = std::find_if(records_.begin(), records_.end(), [&](const auto& kv) {
          return !report.recipient.empty() && kv.second.message.to == report.recipient;
        });
      }
      if (it == records_.end()) continue;  // not ours (or from before this run)
      auto& rec = it->second;
      if (report.recipient.empty()) report.recipient = rec.message.to;
      rec.state = report.state;
      rec.reason = report.reason;
      const auto fingerprint = report.state + "\n" + report.reason + "\n" +
                               report.details.value("attempts", nlohmann::json()).dump();
      if (delivery_status(report.state) && fingerprint != rec.journaled) {
        rec.journaled = fingerprint;
        changed.emplace_back(rec.message, report);
      }
    }
  }
  for (const auto& [message, report] : changed)
    journal_delivery(message, report);
  return reports;
}

void CommandAdapter::watch_status() {
  auto interval = kFirstPoll;
  std::string last_error;  // journaled once, not on every poll
  std::unique_lock lock(watch_mutex_);
  while (!watch_stop_) {
    bool pending = false;
    {
      std::lock_guard records_lock(records_mutex_);
      for (const auto& [key, r] : records_)
        pending = pending || !final_state(r.state);
    }
    // Nothing in flight: sleep until a submit or flush wakes us.
    const auto woken = pending ? watch_wake_.wait_for(lock, interval) == std::cv_status::no_timeout
                               : (watch_wake_.wait(lock), true);
    if (watch_stop_) break;
    interval = woken ? kFirstPoll : std::min(interval * 2, kLastPoll);
    lock.unlock();
    try {
      refresh_from_status();
      last_error.clear();
    } catch (const std::exception& e) {
      if (last_error != e.what()) {
        last_error = e.what();
        core::events::append(*lab_.journal, core::events::MtaError{.error = last_error}, "", "");
      }
      interval = kLastPoll;
    }
    lock.lock();
  }
}

void CommandAdapter::wake_watcher() {
  // Taking the lock first: the watcher is then either waiting or yet to look at the records,
  // so the wake-up cannot fall between its look and its wait.
  { std::lock_guard lock(watch_mutex_); }
  watch_wake_.notify_all();
}

std::vector<QueueEntry> CommandAdapter::queue() {
  std::vector<QueueEntry> out;
  if (!manifest_.status.empty()) {
    for (const auto& r : refresh_from_status()) {
      out.push_back(
          {.recipient = r.recipient, .state = r.state, .reason = r.reason, .queue_id = r.id});
    }
    return out;
  }
  std::lock_guard lock(records_mutex_);
  for (const auto& key : order_) {
    const auto& r = records_.at(key);
    out.push_back(
        {.recipient = r.message.to, .state = r.state, .reason = r.reason, .queue_id = key});
  }
  return out;
}

void CommandAdapter::clear_policy_cache() {
  clear_policy_cache_for("");
}

void CommandAdapter::clear_policy_cache_for(const std::string& policy_domain) {
  if (manifest_.clear_cache.empty()) return;
  const auto lock = prepare_state(policy_domain);
  run_checked("clearing the policy cache",
              render(manifest_.clear_cache, quoted_for(policy_domain),
                     manifest_.path + ": commands.clear_cache"),
              "", policy_domain);
}

void CommandAdapter::send_reports(const std::string& policy_domain) {
  if (manifest_.report.empty()) return;
  // A report that cannot be delivered is the sender's behaviour under test (a stripped report
  // MX, say), not a broken lab: journal what the command said and let the scenario judge what
  // arrived. Only a command that cannot run at all is an error.
  Variables vars = quoted_for(policy_domain);
  vars["policy_domain"] = shell_quote(policy_domain);
  const auto line = render(manifest_.report, vars, manifest_.path + ": commands.report");
  const auto lock = prepare_state(policy_domain);
  auto spec = spec_for(line, policy_domain);
  spec.output_limit = kOutputLimit;
  const auto r = core::run_process(spec, "", manifest_.timeout);
  if (r.exit_code < 0 && !r.timed_out && r.term_signal == 0) {
    throw std::runtime_error(target_.name + ": sending TLS-RPT reports (" + line +
                             ") failed: " + describe(r));
  }
  core::events::append(*lab_.journal,
                       core::events::MtaReport{.exit = r.exit_code,
                                               .timed_out = r.timed_out,
                                               .out = r.out,
                                               .err = r.err.substr(0, 4000)},
                       "", target_.name);
}

}  // namespace stslab::harness::adapters
