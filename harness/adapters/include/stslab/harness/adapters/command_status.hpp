// What a command sender says about a message, and how that becomes an mta.delivery event:
// the one-shot submit's exit status and JSON line, and the status command's JSON lines.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stslab/core/process.hpp"

namespace stslab::harness::adapters {

// Exit statuses of a one-shot submit (sysexits.h): delivered, try again later.
inline constexpr int kExitDelivered = 0;
inline constexpr int kExitDeferred = 75;  // EX_TEMPFAIL

struct DeliveryReport {
  std::string id;         // the message id, if the sender says
  std::string recipient;  // the recipient, if the sender says
  std::string state;      // queued | deferred | delivered | bounced | no-answer
  std::string reason;
  nlohmann::json details = nlohmann::json::object();  // the rest: mx, tls, policy, attempts, ...
  std::string line;                                   // the JSON line it came from ("" = none)
};

// The outcome of one run of a one-shot submit. A submit killed at its timeout is "no-answer"
// whatever it printed: a sender that hangs has not deferred anything (design.md: never a
// timeout alone). Otherwise the last stdout line that is a JSON object with a known `state`
// decides, else the exit status: 0 delivered, 75 deferred, anything else bounced. The reason
// falls back to stderr's last line.
DeliveryReport parse_oneshot_result(const core::ProcessResult& result);

// The status command's output: one JSON object per line with `id` or `recipient` and `state`.
// Blank lines are skipped; anything else throws std::runtime_error naming the line.
std::vector<DeliveryReport> parse_status_lines(std::string_view output);

// The journal status for a state: delivered -> sent, deferred, bounced, no-answer; nullopt for
// queued.
std::optional<std::string> delivery_status(const std::string& state);

// The data of the mta.delivery event for `report` about `recipient` (same fields as the
// Postfix log rules: recipient, status, reason, relay, queue_id, tls when known, ...).
nlohmann::json delivery_event_data(const DeliveryReport& report, const std::string& recipient,
                                   const std::string& queue_id);
// The relay's host name in that event ("" when no MX was reached).
std::string relay_host(const nlohmann::json& event_data);

}  // namespace stslab::harness::adapters
