// Evidence lines: one sentence per event a person reads in report.json and the HTML report.
#include "stslab/core/events/all.hpp"

namespace stslab::core::events {
namespace {

std::string tag(std::uint64_t session, const Event& e) {
  return "#" + std::to_string(session) + " " + e.host + " ";
}

std::string or_text(const std::optional<std::string>& value, const std::string& fallback = "") {
  return value ? *value : fallback;
}

std::string yes_no(bool b) {
  return b ? "true" : "false";
}

}  // namespace

std::string DnsQuery::describe(const Event&) const {
  std::string line = transport + " " + qtype + " " + qname + " -> " + or_text(rcode) + " (" +
                     std::to_string(answer_count) + " answers)";
  if (fault) line += " fault=" + *fault;
  return line;
}

std::string DnsBadQuery::describe(const Event&) const {
  return "bad query: " + reason;
}

std::string HttpsTls::describe(const Event&) const {
  if (ok) {
    return "TLS " + or_text(version) + " SNI=" + or_text(sni, "(none)") +
           " cert=" + or_text(cert_profile) + " for " + or_text(cert_host);
  }
  return "TLS handshake failed SNI=" + or_text(sni, "(none)") + " cert=" + or_text(cert_profile) +
         ": " + or_text(alert, or_text(error));
}

std::string HttpsRequest::describe(const Event&) const {
  return method + " " + target + " Host=" + or_text(host_header) +
         " SNI=" + or_text(sni, "(none)") + " -> " + std::to_string(status);
}

std::string SmtpCommand::describe(const Event& e) const {
  return tag(session, e) + "C: " + line;
}

std::string SmtpReply::describe(const Event& e) const {
  return tag(session, e) + "S: " + std::to_string(code) + " " + text;
}

std::string SmtpTls::describe(const Event& e) const {
  if (ok) {
    return tag(session, e) + "TLS " + or_text(version) + " SNI=" + or_text(sni, "(none)") +
           " cert=" + cert_profile;
  }
  return tag(session, e) + "TLS failed cert=" + cert_profile + ": " +
         or_text(alert, or_text(error));
}

std::string SmtpMessage::describe(const Event& e) const {
  return tag(session, e) + "stored message for " + nlohmann::json(rcpts).dump() +
         (tls ? " over " + or_text(tls_version) : " in plaintext");
}

std::string SmtpSessionClose::describe(const Event& e) const {
  return tag(session, e) + "session closed (" + how + ", last state " + last_state + ")";
}

std::string MitmAttack::describe(const Event& e) const {
  return tag(session, e) + "attack: " + action;
}

template <>
std::string MitmPlaintextMail::describe(const Event& e) const {
  return tag(session, e) + "client sent " + command + " in plaintext";
}

template <>
std::string MitmInterceptedMail::describe(const Event& e) const {
  return tag(session, e) + "client sent " + command + " inside the attacker's TLS";
}

std::string MitmTls::describe(const Event& e) const {
  const std::string why = alert && alert->is_string() ? alert->get<std::string>() : or_text(error);
  return tag(session, e) + "attacker TLS " +
         (ok ? std::string("accepted by the client") : "refused: " + why);
}

std::string MitmSessionClose::describe(const Event& e) const {
  return tag(session, e) + "proxied session closed (" + how +
         "), client sent MAIL: " + yes_no(client_sent_mail) + ", DATA: " + yes_no(client_sent_data);
}

std::string MtaDelivery::describe(const Event&) const {
  return recipient + " " + status + " via " + (relay.empty() ? "-" : relay) + ": " + reason;
}

std::string MtaTls::describe(const Event&) const {
  return trust + " TLS to " + host + " " + version;
}

std::string HarnessStep::describe(const Event&) const {
  return summary;
}

}  // namespace stslab::core::events
