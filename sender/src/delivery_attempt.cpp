#include "stslab/sender/delivery_attempt.hpp"

#include "stslab/sender/cert_check.hpp"
#include "stslab/sender/smtp_connection.hpp"
#include "stslab/sender/trust.hpp"

namespace stslab::sender {
namespace {

// Ends the attempt as `result` with `next`.
Attempt& finish(Attempt& a, std::string result, std::string detail, Attempt::Next next) {
  a.result = std::move(result);
  a.detail = std::move(detail);
  a.next = next;
  return a;
}

void note_failure(Attempt& a, const std::string& failure, const std::string& detail) {
  if (a.tls_failures.empty()) a.tls_failure_detail = detail;
  a.tls_failures.push_back(failure);
}

// A reply to the mail transaction that is not positive ends the delivery for this message:
// 4xx = try again later, 5xx = permanent.
Attempt& transaction_refused(Attempt& a, const std::string& stage, const SmtpReply& r) {
  if (r.kind() == 5) {
    return finish(a, "smtp-permanent-failure", stage + ": " + r.summary(), Attempt::Next::bounced);
  }
  return finish(a, "smtp-temporary-failure", stage + ": " + r.summary(), Attempt::Next::deferred);
}

}  // namespace

Attempt attempt_delivery(const std::string& mx, const boost::asio::ip::tcp::endpoint& address,
                         TlsRule rule, bool plaintext_only, const Envelope& envelope,
                         AttemptContext& ctx, std::vector<std::string> known_failures) {
  Attempt a;
  a.mx = mx;
  a.address = address.address().to_string();
  for (const auto& f : known_failures)
    note_failure(a, f, "mx " + mx + " not in policy");
  // Under enforce every TLS problem ends the attempt, unless the fallback defect is on.
  const bool must_tls =
      rule == TlsRule::enforce && !ctx.defects.has(Defect::fallback_plaintext_on_enforce);

  SmtpConnection smtp(ctx.step_timeout, ctx.defects);
  if (auto err = smtp.connect(address); !err.empty()) {
    return finish(a, "connect-failed", err, Attempt::Next::try_next);
  }
  a.local_address = smtp.wire().local_address();
  SmtpReply reply;
  if (auto err = smtp.read_reply(reply); !err.empty()) {
    return finish(a, "greeting-failed", err, Attempt::Next::try_next);
  }
  if (reply.kind() != 2) {
    smtp.quit();
    return finish(a, "greeting-failed", reply.summary(), Attempt::Next::try_next);
  }
  if (auto err = smtp.command("EHLO " + ctx.helo, reply); !err.empty()) {
    return finish(a, "ehlo-failed", err, Attempt::Next::try_next);
  }
  bool extended = reply.kind() == 2;
  if (!extended) {
    // RFC 5321 §3.2: a server that does not know EHLO still knows HELO (and offers nothing).
    if (auto err = smtp.command("HELO " + ctx.helo, reply); !err.empty() || reply.kind() != 2) {
      return finish(a, "ehlo-failed", err.empty() ? reply.summary() : err, Attempt::Next::try_next);
    }
  }
  const bool offered = extended && ehlo_offers(reply, "STARTTLS");

  if (!plaintext_only && offered) {
    if (auto err = smtp.command("STARTTLS", reply); !err.empty()) {
      return finish(a, "connection-lost", "STARTTLS: " + err, Attempt::Next::try_next);
    }
    if (reply.code != 220) {
      a.starttls_decided = true;
      note_failure(a, "starttls-refused", "STARTTLS: " + reply.summary());
      if (must_tls) {
        smtp.quit();
        return finish(a, "starttls-refused", reply.summary(), Attempt::Next::try_next);
      }
      // Otherwise the session goes on in plaintext (RFC 3207 §4: the client may continue).
    } else {
      // §7.1 (STS-TLS-01): SNI is the MX host name.
      if (auto err = smtp.start_tls(ctx.trust.context(), mx); !err.empty()) {
        a.starttls_decided = true;
        note_failure(a, "tls-handshake-failed", err);
        // §5: under enforce never fall back; elsewhere deliver over a new plaintext session.
        return finish(a, "tls-handshake-failed", err,
                      must_tls ? Attempt::Next::try_next : Attempt::Next::retry_plaintext);
      }
      a.starttls_decided = true;
      const auto verdict = check_peer_certificate(smtp.wire().ssl(), ctx.trust.store(), mx,
                                                  mx_cert_checks(ctx.defects));
      a.tls = verdict.ok() ? "verified" : "unverified";
      if (!verdict.ok() && rule != TlsRule::opportunistic) {
        for (const auto& f : verdict.failures)
          note_failure(a, f, verdict.detail);
        if (rule == TlsRule::enforce) {
          // §4.2/§5: a certificate failure under enforce is like an unreachable MX. Even the
          // fallback defect does not deliver over a TLS session that failed validation.
          smtp.quit();
          return finish(a, verdict.failures.front(), verdict.detail, Attempt::Next::try_next);
        }
      }
      // RFC 3207 §4.2: forget what was learned before TLS; EHLO again.
      if (auto err = smtp.command("EHLO " + ctx.helo, reply); !err.empty() || reply.kind() != 2) {
        return finish(a, err.empty() ? "protocol-error" : "connection-lost",
                      "EHLO after STARTTLS: " + (err.empty() ? reply.summary() : err),
                      Attempt::Next::try_next);
      }
    }
  } else if (!offered) {
    a.starttls_decided = true;
    if (!plaintext_only) note_failure(a, "starttls-not-offered", "STARTTLS not offered");
    if (must_tls) {
      smtp.quit();
      return finish(a, "starttls-not-offered", "EHLO reply has no STARTTLS",
                    Attempt::Next::try_next);
    }
  } else {
    a.starttls_decided = true;  // plaintext retry after a failed handshake: STARTTLS skipped
  }

  if (auto err = smtp.command("MAIL FROM:<" + envelope.from + ">", reply); !err.empty()) {
    return finish(a, "connection-lost", "MAIL: " + err, Attempt::Next::try_next);
  }
  if (reply.kind() != 2) return transaction_refused(a, "MAIL", reply);
  if (auto err = smtp.command("RCPT TO:<" + envelope.to + ">", reply); !err.empty()) {
    return finish(a, "connection-lost", "RCPT: " + err, Attempt::Next::try_next);
  }
  if (reply.kind() != 2) return transaction_refused(a, "RCPT", reply);
  if (auto err = smtp.command("DATA", reply); !err.empty()) {
    return finish(a, "connection-lost", "DATA: " + err, Attempt::Next::try_next);
  }
  if (reply.code != 354) return transaction_refused(a, "DATA", reply);
  if (auto err = smtp.send_raw(envelope.payload); !err.empty()) {
    return finish(a, "connection-lost", "message: " + err, Attempt::Next::try_next);
  }
  if (auto err = smtp.read_reply(reply); !err.empty()) {
    return finish(a, "connection-lost", "end of data: " + err, Attempt::Next::try_next);
  }
  if (reply.kind() != 2) return transaction_refused(a, "end of data", reply);
  smtp.quit();
  std::string detail = reply.summary();
  if (!a.tls_failures.empty()) {
    detail += " (not enforced: " + a.tls_failures.front() + ": " + a.tls_failure_detail + ")";
  }
  return finish(a, "delivered", detail, Attempt::Next::delivered);
}

}  // namespace stslab::sender
