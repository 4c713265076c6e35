#include "stslab/harness/evidence.hpp"

#include "stslab/core/clock.hpp"

namespace stslab::harness {
namespace {

std::string str(const nlohmann::json& data, const char* key, const std::string& fallback = "") {
  auto it = data.find(key);
  if (it == data.end() || it->is_null()) return fallback;
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

std::string session_tag(const nlohmann::json& data) {
  return data.contains("session") ? "#" + str(data, "session") + " " : "";
}

std::string describe_dns(const core::Event& e) {
  const auto& d = e.data;
  const std::string& k = e.kind;
  if (k == "dns.query") {
    std::string line = str(d, "transport") + " " + str(d, "qtype") + " " + str(d, "qname") +
                       " -> " + str(d, "rcode") + " (" + str(d, "answer_count", "0") + " answers)";
    if (!str(d, "fault").empty()) line += " fault=" + str(d, "fault");
    return line;
  }
  if (k == "dns.bad_query") return "bad query: " + str(d, "reason");
  return "";
}

std::string describe_https(const core::Event& e) {
  const auto& d = e.data;
  const std::string& k = e.kind;
  if (k == "https.tls") {
    if (d.value("ok", false)) {
      return "TLS " + str(d, "version") + " SNI=" + str(d, "sni", "(none)") +
             " cert=" + str(d, "cert_profile") + " for " + str(d, "cert_host");
    }
    return "TLS handshake failed SNI=" + str(d, "sni", "(none)") +
           " cert=" + str(d, "cert_profile") + ": " + str(d, "alert", str(d, "error"));
  }
  if (k == "https.request") {
    return str(d, "method") + " " + str(d, "target") + " Host=" + str(d, "host_header") +
           " SNI=" + str(d, "sni", "(none)") + " -> " + str(d, "status");
  }
  return "";
}

std::string describe_smtp(const core::Event& e) {
  const auto& d = e.data;
  const std::string& k = e.kind;
  if (k == "smtp.command") return session_tag(d) + e.host + " C: " + str(d, "line");
  if (k == "smtp.reply")
    return session_tag(d) + e.host + " S: " + str(d, "code") + " " + str(d, "text");
  if (k == "smtp.tls") {
    if (d.value("ok", false)) {
      return session_tag(d) + e.host + " TLS " + str(d, "version") +
             " SNI=" + str(d, "sni", "(none)") + " cert=" + str(d, "cert_profile");
    }
    return session_tag(d) + e.host + " TLS failed cert=" + str(d, "cert_profile") + ": " +
           str(d, "alert", str(d, "error"));
  }
  if (k == "smtp.message") {
    return session_tag(d) + e.host + " stored message for " + str(d, "rcpts") +
           (d.value("tls", false) ? " over " + str(d, "tls_version") : " in plaintext");
  }
  if (k == "smtp.session.close") {
    return session_tag(d) + e.host + " session closed (" + str(d, "how") + ", last state " +
           str(d, "last_state") + ")";
  }
  return "";
}

std::string describe_mitm(const core::Event& e) {
  const auto& d = e.data;
  const std::string& k = e.kind;
  if (k == "mitm.attack") return session_tag(d) + e.host + " attack: " + str(d, "action");
  if (k == "mitm.plaintext_mail") {
    return session_tag(d) + e.host + " client sent " + str(d, "command") + " in plaintext";
  }
  if (k == "mitm.intercepted_mail") {
    return session_tag(d) + e.host + " client sent " + str(d, "command") +
           " inside the attacker's TLS";
  }
  if (k == "mitm.tls") {
    return session_tag(d) + e.host + " attacker TLS " +
           (d.value("ok", false) ? "accepted by the client"
                                 : "refused: " + str(d, "alert", str(d, "error")));
  }
  if (k == "mitm.session.close") {
    return session_tag(d) + e.host + " proxied session closed (" + str(d, "how") +
           "), client sent MAIL: " + str(d, "client_sent_mail") +
           ", DATA: " + str(d, "client_sent_data");
  }
  return "";
}

std::string describe_mta(const core::Event& e) {
  const auto& d = e.data;
  const std::string& k = e.kind;
  if (k == "mta.delivery") {
    return str(d, "recipient") + " " + str(d, "status") + " via " + str(d, "relay", "-") + ": " +
           str(d, "reason");
  }
  if (k == "mta.tls")
    return str(d, "trust") + " TLS to " + str(d, "host") + " " + str(d, "version");
  return "";
}

std::string describe_harness(const core::Event& e) {
  const auto& d = e.data;
  const std::string& k = e.kind;
  if (k == "harness.step") return str(d, "summary");
  return "";
}

}  // namespace

std::string describe_event(const core::Event& e) {
  // One describer per emitter (docs/events/), chosen by the kind's prefix.
  static const std::vector<std::pair<std::string_view, std::string (*)(const core::Event&)>>
      describers{
          {"dns.", &describe_dns},   {"https.", &describe_https}, {"smtp.", &describe_smtp},
          {"mitm.", &describe_mitm}, {"mta.", &describe_mta},     {"harness.", &describe_harness},
      };
  for (const auto& [prefix, describe] : describers) {
    if (e.kind.rfind(prefix, 0) == 0) return describe(e);
  }
  return "";
}

nlohmann::json summarize_evidence(const std::vector<core::Event>& events,
                                  std::size_t max_lines_per_source) {
  nlohmann::json out = {{"dns", nlohmann::json::array()},     {"https", nlohmann::json::array()},
                        {"smtp", nlohmann::json::array()},    {"tls", nlohmann::json::array()},
                        {"mitm", nlohmann::json::array()},    {"mta", nlohmann::json::array()},
                        {"timeline", nlohmann::json::array()}};
  for (const auto& e : events) {
    std::string line = describe_event(e);
    if (line.empty()) continue;
    std::string bucket(core::to_string(e.source));
    if (e.kind == "smtp.tls" || e.kind == "https.tls" || e.kind == "mitm.tls") bucket = "tls";
    if (e.source == core::Source::harness) bucket = "timeline";
    auto& list = out[bucket];
    if (list.size() < max_lines_per_source) {
      list.push_back(core::format_rfc3339(e.lab_time).substr(11) + " " + line);
    } else if (list.size() == max_lines_per_source) {
      list.push_back("... (more in journal.jsonl)");
    }
  }
  return out;
}

}  // namespace stslab::harness
