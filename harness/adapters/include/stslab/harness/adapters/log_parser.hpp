// Turns an MTA's log lines into journal events with the manifest's rules (regexes are data; the
// meaning of a few event kinds is code):
//   mta.delivery  domain = recipient domain, host = relay host. {recipient, status (sent |
//                 deferred | bounced | expired), reason, relay, dsn, queue_id, line, tls}.
//                 `tls` is the TLS session Postfix logged just before on the same smtp process to
//                 the same relay ({trust, version, cipher}), false when the attempt reached a
//                 relay without one, absent when no relay was reached. An "expired" line names
//                 no recipient: one event per recipient of that queue id seen before.
//   mta.tls       domain = host = the MX name. {host, address, port, trust (verified | trusted |
//                 untrusted | anonymous), version, cipher, pid, line}.
//   mta.policy    domain = the policy domain. The rule's fields plus `set` constants, and line.
//   other kinds   the rule's fields, `set` and line; domain from a "domain" or "recipient" field.
// Not thread-safe: one parser per followed log, fed from one thread.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "stslab/harness/adapters/manifest.hpp"

namespace stslab::harness::adapters {

struct MtaEvent {
  std::string kind;
  std::string domain;
  std::string host;
  nlohmann::json data = nlohmann::json::object();
};

class LogParser {
 public:
  // Throws ManifestError for a regex std::regex refuses.
  explicit LogParser(const std::vector<LogRule>& rules);

  // The events one log line yields (usually none or one).
  std::vector<MtaEvent> feed(std::string_view line);

 private:
  struct Compiled {
    LogRule rule;
    std::regex regex;
  };
  // The last TLS session an smtp process logged, kept until its delivery line(s).
  struct TlsSession {
    std::string host, address;
    nlohmann::json facts;              // {trust, version, cipher}
    std::set<std::string> recipients;  // delivery lines that already claimed it
  };

  void on_tls(MtaEvent& e);
  std::vector<MtaEvent> on_delivery(MtaEvent e);

  std::vector<Compiled> rules_;
  std::map<std::string, TlsSession> tls_by_pid_;
  std::map<std::string, std::set<std::string>> recipients_by_queue_id_;  // still queued
};

// "u@A.Test" -> "a.test"; "" without an '@'.
std::string recipient_domain(std::string_view recipient);

}  // namespace stslab::harness::adapters
