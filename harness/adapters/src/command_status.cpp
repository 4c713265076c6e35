#include "stslab/harness/adapters/command_status.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <stdexcept>

#include "stslab/core/names.hpp"

namespace stslab::harness::adapters {
namespace {

bool known_state(const std::string& s) {
  return s == "queued" || s == "deferred" || s == "delivered" || s == "bounced";
}

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return std::string(s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1));
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    line = trim(line);
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

std::string text_field(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// Moves the well-known fields of a JSON line into `report`, the rest into details.
void take_fields(const nlohmann::json& j, DeliveryReport& report) {
  report.id = text_field(j, "id");
  report.recipient = text_field(j, "recipient");
  report.reason = text_field(j, "reason");
  for (const auto& [key, value] : j.items()) {
    if (key != "id" && key != "recipient" && key != "state" && key != "reason") {
      report.details[key] = value;
    }
  }
}

}  // namespace

DeliveryReport parse_oneshot_result(const core::ProcessResult& result) {
  DeliveryReport report;
  const auto lines = lines_of(result.out);
  // The last JSON line wins: a wrapper may print progress before it.
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    const auto j = nlohmann::json::parse(*it, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) continue;
    take_fields(j, report);
    report.line = *it;
    const auto state = text_field(j, "state");
    // "queued" is no outcome for a sender that tries once; the exit status decides then.
    if (known_state(state) && state != "queued" && !result.timed_out) report.state = state;
    break;
  }
  if (report.state.empty()) {
    report.state = result.timed_out                     ? "no-answer"
                   : result.exit_code == kExitDelivered ? "delivered"
                   : result.exit_code == kExitDeferred  ? "deferred"
                                                        : "bounced";
  }
  if (result.timed_out) report.reason.clear();  // what it said before it hung decides nothing
  if (report.reason.empty()) {
    const auto err = lines_of(result.err);
    if (result.timed_out) {
      report.reason = "the submit command gave no answer: killed at its timeout";
    } else if (!err.empty()) {
      report.reason = err.back();
    } else if (!lines.empty() && report.line.empty()) {
      report.reason = lines.back();
    } else {
      report.reason = result.term_signal ? "killed by signal " + std::to_string(result.term_signal)
                                         : "exit " + std::to_string(result.exit_code);
    }
  }
  if (!result.timed_out) report.details["exit"] = result.exit_code;
  return report;
}

std::vector<DeliveryReport> parse_status_lines(std::string_view output) {
  std::vector<DeliveryReport> out;
  for (const auto& line : lines_of(output)) {
    const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) throw std::runtime_error("status: not a JSON object: " + line);
    DeliveryReport report;
    take_fields(j, report);
    report.state = text_field(j, "state");
    report.line = line;
    if (report.id.empty() && report.recipient.empty()) {
      throw std::runtime_error("status: neither 'id' nor 'recipient' in: " + line);
    }
    if (!known_state(report.state)) {
      throw std::runtime_error(
          "status: 'state' is not queued, deferred, delivered or bounced "
          "in: " +
          line);
    }
    out.push_back(std::move(report));
  }
  return out;
}

std::optional<std::string> delivery_status(const std::string& state) {
  if (state == "delivered") return "sent";
  if (state == "deferred" || state == "bounced" || state == "no-answer") return state;
  return std::nullopt;
}

nlohmann::json delivery_event_data(const DeliveryReport& report, const std::string& recipient,
                                   const std::string& queue_id) {
  nlohmann::json d = report.details;
  d["recipient"] = recipient;
  d["status"] = delivery_status(report.state).value_or(report.state);
  d["reason"] = report.reason;
  d["queue_id"] = queue_id;
  // Postfix's relay is "host[address]:port" or "none"; a command sender names the MX it used.
  if (!d.contains("relay")) {
    const auto mx = text_field(report.details, "mx");
    d["relay"] = mx.empty() ? "none" : mx;
  }
  if (!report.line.empty()) d["line"] = report.line;
  return d;
}

std::string relay_host(const nlohmann::json& event_data) {
  const auto relay = text_field(event_data, "relay");
  if (relay == "none") return {};
  return core::ascii_lower(relay.substr(0, relay.find('[')));
}

}  // namespace stslab::harness::adapters
