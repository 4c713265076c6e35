#include "stslab/harness/classifier.hpp"

#include <algorithm>
#include <cctype>

#include "stslab/core/events/all.hpp"
#include "stslab/core/names.hpp"

namespace stslab::harness {
namespace {

namespace ev = core::events;

bool has_recipient(const std::vector<std::string>& rcpts, const std::string& recipient) {
  const std::string wanted = core::ascii_lower(recipient);
  return std::any_of(rcpts.begin(), rcpts.end(),
                     [&](const std::string& r) { return core::ascii_lower(r) == wanted; });
}

bool is_recipient(const std::string& named, const std::string& recipient) {
  return core::ascii_lower(named) == core::ascii_lower(recipient);
}

// The MITM session that carried the recipient inside a TLS session the attacker terminated and
// then saw DATA in: the sender handed the message to a certificate it should have refused.
std::optional<std::uint64_t> interception(const std::vector<core::Event>& events,
                                          const std::string& recipient, std::uint64_t after) {
  for (const auto& e : events) {
    if (e.seq <= after) continue;
    const auto command = ev::as<ev::MitmClientCommand>(e);
    if (!command || !command->inside_attacker_tls() || !command->names_recipient(recipient))
      continue;
    for (const auto& d : events) {
      if (d.seq <= e.seq) continue;
      const auto mail = ev::as<ev::MitmInterceptedMail>(d);
      if (mail && mail->session == command->session && mail->command == "DATA") return d.seq;
    }
  }
  return std::nullopt;
}

// An MX stored the message (event `e`): the delivering session's TLS and certificate, or the
// attacker's interception, decide how.
Classification from_delivery(const std::vector<core::Event>& events, const core::Event& e,
                             const ev::SmtpMessage& message, const std::string& recipient,
                             std::uint64_t after_seq) {
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
  if (!message.tls) {
    c.outcome = Outcome::delivered_plaintext;
    c.reason = e.host + " received the message without TLS";
    return c;
  }
  // The handshake of the delivering session says which certificate the sender accepted.
  for (const auto& t : events) {
    const auto tls = ev::as<ev::SmtpTls>(t);
    if (!tls || tls->session != message.session) continue;
    c.evidence_seqs.push_back(t.seq);
    const std::string profile = tls->cert_profile.empty() ? "?" : tls->cert_profile;
    const std::string version = tls->version.value_or("?");
    if (tls->trusted_certificate_for(e.host)) {
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
    if (it->seq <= after_seq) continue;
    const auto d = ev::as<ev::MtaDelivery>(*it);
    if (!d || !is_recipient(d->recipient, recipient)) continue;
    const std::string reason = d->reason.empty() ? "(no reason given)" : d->reason;
    if (d->status == "deferred" || d->status == "bounced" || d->status == "expired") {
      c.evidence_seqs.push_back(it->seq);
      c.outcome = Outcome::withheld;
      c.reason = "the sender " + d->status + " the message: " + reason;
      return c;
    }
    if (d->status == "no-answer") {
      // Killed at its timeout: whatever the sender was doing, it did not say it withheld the
      // message, so nothing is credited (INCONCLUSIVE, never "deferred").
      c.evidence_seqs.push_back(it->seq);
      c.reason = "the sender gave no answer: " + reason;
      return c;
    }
    if (d->status == "sent") {
      c.evidence_seqs.push_back(it->seq);
      c.reason = "the sender logged the message as sent, but no lab MX received it";
      return c;
    }
  }
  return std::nullopt;
}

}  // namespace

bool settles(const core::Event& event, const std::string& recipient) {
  if (const auto m = ev::as<ev::SmtpMessage>(event)) return has_recipient(m->rcpts, recipient);
  if (const auto d = ev::as<ev::MtaDelivery>(event)) return is_recipient(d->recipient, recipient);
  return false;
}

Classification classify(const std::vector<core::Event>& events, const std::string& recipient,
                        std::uint64_t after_seq) {
  // 1. Wire evidence of delivery: an MX stored the message.
  for (const auto& e : events) {
    if (e.seq <= after_seq) continue;
    const auto message = ev::as<ev::SmtpMessage>(e);
    if (!message || !has_recipient(message->rcpts, recipient)) continue;
    return from_delivery(events, e, *message, recipient, after_seq);
  }
  // 2. The MTA's own account: it deferred or bounced the message.
  if (auto c = from_mta_account(events, recipient, after_seq)) return *c;
  Classification c;
  c.reason = "no MX received the message and the sender reported no deferral or bounce";
  return c;
}

}  // namespace stslab::harness
