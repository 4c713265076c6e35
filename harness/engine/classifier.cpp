#include "stslab/harness/classifier.hpp"

#include <algorithm>
#include <cctype>

#include "stslab/core/names.hpp"

namespace stslab::harness {
namespace {

bool has_recipient(const nlohmann::json& rcpts, const std::string& recipient) {
  if (!rcpts.is_array()) return false;
  const std::string wanted = core::ascii_lower(recipient);
  return std::any_of(rcpts.begin(), rcpts.end(), [&](const nlohmann::json& r) {
    return r.is_string() && core::ascii_lower(r.get<std::string>()) == wanted;
  });
}

// "RCPT TO:<m1@d.test> SIZE=..." names the recipient?
bool rcpt_line_names(const std::string& line, const std::string& recipient) {
  const std::string l = core::ascii_lower(line);
  return l.rfind("rcpt to:", 0) == 0 &&
         l.find("<" + core::ascii_lower(recipient) + ">") != std::string::npos;
}

template <class T>
T field(const nlohmann::json& data, const char* key, T fallback) {
  auto it = data.find(key);
  if (it == data.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    return fallback;
  }
}

// The MITM session that carried the recipient inside a TLS session the attacker terminated and
// then saw DATA in: the sender handed the message to a certificate it should have refused.
std::optional<std::uint64_t> interception(const std::vector<core::Event>& events,
                                          const std::string& recipient, std::uint64_t after) {
  for (const auto& e : events) {
    if (e.seq <= after || e.kind != "mitm.client_command") continue;
    if (field<std::string>(e.data, "phase", "") != "intercepted-tls") continue;
    if (!rcpt_line_names(field<std::string>(e.data, "line", ""), recipient)) continue;
    const auto session = e.data.value("session", nlohmann::json());
    for (const auto& d : events) {
      if (d.seq > e.seq && d.kind == "mitm.intercepted_mail" &&
          d.data.value("session", nlohmann::json()) == session &&
          field<std::string>(d.data, "command", "") == "DATA") {
        return d.seq;
      }
    }
  }
  return std::nullopt;
}

// Certificates a validating sender accepts for the host they were minted for.
bool trusted_profile(const std::string& profile) {
  return profile == "valid" || profile == "wildcard";
}

// An MX stored the message (event `e`): the delivering session's TLS and certificate, or the
// attacker's interception, decide how.
Classification from_delivery(const std::vector<core::Event>& events, const core::Event& e,
                             const std::string& recipient, std::uint64_t after_seq) {
  Classification c;
  c.evidence_seqs.push_back(e.seq);
  if (auto seq = interception(events, recipient, after_seq)) {
    c.evidence_seqs.push_back(*seq);
    c.outcome = Outcome::delivered_untrusted_tls;
    c.reason =
        "the sender sent DATA inside a TLS session terminated by the attacker's "
        "certificate; " +
        e.host + " then received the message";
    return c;
  }
  if (!field<bool>(e.data, "tls", false)) {
    c.outcome = Outcome::delivered_plaintext;
    c.reason = e.host + " received the message without TLS";
    return c;
  }
  // The handshake of the delivering session says which certificate the sender accepted.
  const auto session = e.data.value("session", nlohmann::json());
  for (const auto& t : events) {
    if (t.kind != "smtp.tls" || t.data.value("session", nlohmann::json()) != session) continue;
    c.evidence_seqs.push_back(t.seq);
    const auto profile = field<std::string>(t.data, "cert_profile", "?");
    const auto cert_host = field<std::string>(t.data, "cert_host", "");
    const auto version = field<std::string>(t.data, "version", "?");
    const bool for_this_host =
        cert_host.empty() || core::ascii_lower(cert_host) == core::ascii_lower(e.host);
    if (trusted_profile(profile) && for_this_host) {
      c.outcome = Outcome::delivered_tls;
      c.reason = e.host + " received the message over " + version + " showing a " + profile +
                 " certificate";
    } else {
      c.outcome = Outcome::delivered_untrusted_tls;
      c.reason = e.host + " received the message over " + version +
                 " although it showed a certificate a validating sender must refuse (" + profile +
                 ")";
    }
    return c;
  }
  c.outcome = Outcome::delivered_untrusted_tls;
  c.reason = e.host + " received the message in TLS but no handshake record was found";
  return c;
}

// The MTA's own account, its last word on the message: deferred or bounced (withheld), killed
// without an answer, or sent where no lab MX saw it (no outcome). nullopt: it said nothing.
std::optional<Classification> from_mta_account(const std::vector<core::Event>& events,
                                               const std::string& recipient,
                                               std::uint64_t after_seq) {
  Classification c;
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    const auto& e = *it;
    if (e.seq <= after_seq || e.kind != "mta.delivery") continue;
    if (core::ascii_lower(field<std::string>(e.data, "recipient", "")) !=
        core::ascii_lower(recipient))
      continue;
    const auto status = field<std::string>(e.data, "status", "");
    if (status == "deferred" || status == "bounced" || status == "expired") {
      c.evidence_seqs.push_back(e.seq);
      c.outcome = Outcome::withheld;
      c.reason = "the sender " + status +
                 " the message: " + field<std::string>(e.data, "reason", "(no reason given)");
      return c;
    }
    if (status == "no-answer") {
      // Killed at its timeout: whatever the sender was doing, it did not say it withheld the
      // message, so nothing is credited (INCONCLUSIVE, never "deferred").
      c.evidence_seqs.push_back(e.seq);
      c.reason =
          "the sender gave no answer: " + field<std::string>(e.data, "reason", "(no reason given)");
      return c;
    }
    if (status == "sent") {
      c.evidence_seqs.push_back(e.seq);
      c.reason = "the sender logged the message as sent, but no lab MX received it";
      return c;
    }
  }
  return std::nullopt;
}

}  // namespace

bool settles(const core::Event& event, const std::string& recipient) {
  if (event.kind == "smtp.message")
    return has_recipient(event.data.value("rcpts", nlohmann::json()), recipient);
  if (event.kind == "mta.delivery") {
    return core::ascii_lower(field<std::string>(event.data, "recipient", "")) ==
           core::ascii_lower(recipient);
  }
  return false;
}

Classification classify(const std::vector<core::Event>& events, const std::string& recipient,
                        std::uint64_t after_seq) {
  // 1. Wire evidence of delivery: an MX stored the message.
  for (const auto& e : events) {
    if (e.seq <= after_seq || e.kind != "smtp.message") continue;
    if (!has_recipient(e.data.value("rcpts", nlohmann::json()), recipient)) continue;
    return from_delivery(events, e, recipient, after_seq);
  }
  // 2. The MTA's own account: it deferred or bounced the message.
  if (auto c = from_mta_account(events, recipient, after_seq)) return *c;
  Classification c;
  c.reason = "no MX received the message and the sender reported no deferral or bounce";
  return c;
}

}  // namespace stslab::harness
