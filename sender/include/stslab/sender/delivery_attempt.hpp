// One delivery attempt to one MX address: connect, EHLO, STARTTLS and certificate checks as
// the policy mode demands (RFC 8461 §5), then the mail transaction.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "stslab/sender/defects.hpp"

namespace stslab::sender {

class Trust;

// What the policy asks of TLS on this attempt.
enum class TlsRule {
  opportunistic,  // no policy or mode none: STARTTLS if offered, nothing verified
  testing,        // verify and record failures, deliver anyway
  enforce,        // verify; any failure ends the attempt (never plaintext)
};

struct Envelope {
  std::string from;
  std::string to;
  std::string payload;  // DATA content, see data_payload()
};

struct AttemptContext {
  Trust& trust;
  DefectSet defects;
  std::chrono::milliseconds step_timeout{10000};
  std::string helo;
};

struct Attempt {
  enum class Next {
    delivered,
    try_next,         // this candidate failed; go on to the next
    retry_plaintext,  // the TLS handshake failed where plaintext is allowed: reconnect without it
    deferred,         // the server said 4xx to the transaction
    bounced,          // the server said 5xx to the transaction
  };
  std::string mx;
  std::string address;
  // "delivered" or the failure: connect-failed, greeting-failed, ehlo-failed,
  // starttls-not-offered, starttls-refused, tls-handshake-failed, certificate-not-trusted,
  // certificate-expired, certificate-host-mismatch, mx-not-in-policy, connection-lost,
  // protocol-error, smtp-temporary-failure, smtp-permanent-failure.
  std::string result;
  std::string detail;
  std::string tls = "none";  // verified | unverified | none
  // The MTA-STS failures seen on this attempt, enforced or not (first = the main one), and
  // the reason text for the first (TLS-RPT failure-reason-code).
  std::vector<std::string> tls_failures;
  std::string tls_failure_detail;
  bool starttls_decided = false;  // got far enough to know whether TLS was possible
  std::string local_address;
  Next next = Next::try_next;
};

// `plaintext_only`: the retry after a failed handshake (no STARTTLS this time).
// `known_failures`: failures found before connecting (mx-not-in-policy under testing).
Attempt attempt_delivery(const std::string& mx, const boost::asio::ip::tcp::endpoint& address,
                         TlsRule rule, bool plaintext_only, const Envelope& envelope,
                         AttemptContext& ctx, std::vector<std::string> known_failures = {});

}  // namespace stslab::sender
