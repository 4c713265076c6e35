#include "stslab/harness/adapters/log_parser.hpp"

#include <algorithm>
#include <cctype>

#include "stslab/core/names.hpp"

namespace stslab::harness::adapters {
namespace {

std::string text(const nlohmann::json& data, const char* key) {
  const auto it = data.find(key);
  return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "mx1.a.test[127.0.1.1]:25" -> {"mx1.a.test", "127.0.1.1"}; "none" -> {"", ""}.
std::pair<std::string, std::string> split_relay(const std::string& relay) {
  const auto open = relay.find('[');
  if (open == std::string::npos) return {};
  const auto close = relay.find(']', open);
  return {core::ascii_lower(relay.substr(0, open)),
          close == std::string::npos ? std::string() : relay.substr(open + 1, close - open - 1)};
}

}  // namespace

std::string recipient_domain(std::string_view recipient) {
  const auto at = recipient.rfind('@');
  return at == std::string_view::npos ? std::string()
                                      : core::ascii_lower(std::string(recipient.substr(at + 1)));
}

LogParser::LogParser(const std::vector<LogRule>& rules) {
  for (const auto& rule : rules) {
    try {
      rules_.push_back({rule, std::regex(rule.regex)});
    } catch (const std::regex_error& e) {
      throw ManifestError("log rule " + rule.kind + ": bad regex '" + rule.regex +
                          "': " + e.what());
    }
  }
}

std::vector<MtaEvent> LogParser::feed(std::string_view line) {
  const std::string subject(line);
  for (const auto& [rule, regex] : rules_) {
    std::smatch m;
    if (!std::regex_search(subject, m, regex)) continue;
    MtaEvent e;
    e.kind = rule.kind;
    for (std::size_t i = 0; i < rule.fields.size(); ++i) {
      if (m[i + 1].matched) e.data[rule.fields[i]] = m[i + 1].str();
    }
    for (const auto& [key, value] : rule.set)
      e.data[key] = value;
    e.data["line"] = subject;
    if (e.kind == "mta.tls") {
      on_tls(e);
      return {std::move(e)};
    }
    if (e.kind == "mta.delivery") return on_delivery(std::move(e));
    e.domain = core::ascii_lower(text(e.data, "domain"));
    if (e.domain.empty()) e.domain = recipient_domain(text(e.data, "recipient"));
    return {std::move(e)};
  }
  return {};
}

void LogParser::on_tls(MtaEvent& e) {
  auto& d = e.data;
  d["trust"] = core::ascii_lower(text(d, "trust"));
  d["host"] = core::ascii_lower(text(d, "host"));
  e.domain = e.host = text(d, "host");
  TlsSession session;
  session.host = e.host;
  session.address = text(d, "address");
  session.facts = {
      {"trust", d["trust"]}, {"version", text(d, "version")}, {"cipher", text(d, "cipher")}};
  tls_by_pid_[text(d, "pid")] = std::move(session);
}

std::vector<MtaEvent> LogParser::on_delivery(MtaEvent e) {
  auto& d = e.data;
  d["status"] = core::ascii_lower(text(d, "status"));
  const auto status = text(d, "status");
  const auto queue_id = text(d, "queue_id");
  const auto recipient = text(d, "recipient");

  if (recipient.empty()) {
    // A message-level line (expired): fan out to the recipients still queued under its id.
    std::vector<MtaEvent> out;
    const auto it = recipients_by_queue_id_.find(queue_id);
    if (it == recipients_by_queue_id_.end() || it->second.empty()) {
      d["recipient"] = "";
      out.push_back(std::move(e));
      return out;
    }
    for (const auto& r : it->second) {
      MtaEvent copy = e;
      copy.data["recipient"] = r;
      copy.domain = recipient_domain(r);
      out.push_back(std::move(copy));
    }
    recipients_by_queue_id_.erase(it);
    return out;
  }

  e.domain = recipient_domain(recipient);
  const auto [relay_host, relay_address] = split_relay(text(d, "relay"));
  e.host = relay_host;
  if (!relay_host.empty()) {
    // Postfix logs the TLS session on the smtp process's line just before its delivery lines.
    // A session is claimed once per recipient: a second line for the same recipient is a new
    // attempt (a new connection), which had no TLS unless it logged a session of its own.
    d["tls"] = false;
    const auto it = tls_by_pid_.find(text(d, "pid"));
    if (it != tls_by_pid_.end()) {
      auto& session = it->second;
      const bool same_relay = session.host == relay_host && session.address == relay_address;
      if (same_relay && session.recipients.insert(core::ascii_lower(recipient)).second) {
        d["tls"] = session.facts;
      } else {
        tls_by_pid_.erase(it);
      }
    }
  }

  if (status == "deferred") {
    recipients_by_queue_id_[queue_id].insert(recipient);
  } else if (const auto it = recipients_by_queue_id_.find(queue_id);
             it != recipients_by_queue_id_.end()) {
    it->second.erase(recipient);
    if (it->second.empty()) recipients_by_queue_id_.erase(it);
  }
  return {std::move(e)};
}

}  // namespace stslab::harness::adapters
