// Delivering one report to one rua destination (RFC 8460 §3, §5): an HTTPS POST, or a mail
// sent over SMTP to the address's domain with MTA-STS switched off (§3, RPT-10).
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "stslab/sender/defects.hpp"

namespace stslab::sender {

class Resolver;
class Trust;

struct TransportContext {
  Resolver& resolver;
  Trust& trust;
  DefectSet defects;
  std::chrono::milliseconds step_timeout{10000};
  std::uint16_t https_port = 443;  // for https: URIs without a port
  std::uint16_t smtp_port = 25;
  std::string helo;
  std::string state_dir;  // only report-blocked-by-sts uses it (the policy cache)
  std::ostream& diag;
};

struct DeliveryReport {
  bool ok = false;
  std::string detail;
};

// POSTs `body` to `url` with `content_type`. The server certificate is verified (chain, dates,
// name); RPT-08 would allow ignoring errors, but a report describes our mail traffic, so it
// goes only to the endpoint the domain named. Only a 2xx status counts as accepted (§5.4).
DeliveryReport post_report(const std::string& url, const std::string& body,
                           const std::string& content_type, TransportContext& ctx);

// Sends `message` (a whole RFC 5322 message, CRLF) from `from` to `to` through the MX hosts of
// to's domain, opportunistic TLS only: no MTA-STS, no certificate checks, plaintext when
// STARTTLS is missing or fails (RFC 8460 §3, RPT-10). Not logged to sessions.jsonl (RPT-11).
DeliveryReport mail_report(const std::string& from, const std::string& to,
                           const std::string& message, TransportContext& ctx);

}  // namespace stslab::sender
