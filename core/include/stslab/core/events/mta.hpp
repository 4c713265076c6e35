// What the sending MTA said (Source::mta; docs/events/harness-adapters.md): its delivery
// results, TLS sessions and policy lookups as its adapter read them from logs or a status
// command, and the adapter's own lifecycle. Log-derived events carry the regex captures as
// strings, so every field beyond the named ones sits in `details`.
#pragma once

#include "stslab/core/events/schema.hpp"

namespace stslab::core::events {

struct MtaDelivery {
  static constexpr std::string_view kind = "mta.delivery";
  static constexpr Source source = Source::mta;
  std::string recipient;
  std::string status;  // sent, deferred, bounced, expired, no-answer
  std::string reason;
  std::string relay;  // "host[address]:port", an MX name, or "none"
  std::string queue_id;
  std::optional<std::string> line;                    // the log line it came from
  std::optional<nlohmann::json> tls;                  // {trust, version, cipher}, false, or absent
  nlohmann::json details = nlohmann::json::object();  // dsn, daemon, pid, ...
  static constexpr auto fields() {
    using E = MtaDelivery;
    return std::tuple{field("recipient", &E::recipient),
                      field("status", &E::status),
                      field("reason", &E::reason),
                      field("relay", &E::relay),
                      field("queue_id", &E::queue_id),
                      field("line", &E::line, Presence::when_set),
                      field("tls", &E::tls, Presence::when_set),
                      field("details", &E::details, Presence::merged)};
  }
  std::string describe(const Event& e) const;
};

struct MtaTls {
  static constexpr std::string_view kind = "mta.tls";
  static constexpr Source source = Source::mta;
  std::string host;
  std::string trust;  // verified, trusted, untrusted, anonymous
  std::string version;
  nlohmann::json details = nlohmann::json::object();  // address, port, cipher, pid, line
  static constexpr auto fields() {
    using E = MtaTls;
    return std::tuple{field("host", &E::host), field("trust", &E::trust),
                      field("version", &E::version),
                      field("details", &E::details, Presence::merged)};
  }
  std::string describe(const Event& e) const;
};

struct MtaPolicy {
  static constexpr std::string_view kind = "mta.policy";
  static constexpr Source source = Source::mta;
  std::string event;  // lookup, record, policy, fetch_failed
  nlohmann::json details = nlohmann::json::object();
  static constexpr auto fields() {
    using E = MtaPolicy;
    return std::tuple{field("event", &E::event), field("details", &E::details, Presence::merged)};
  }
};

struct MtaLifecycle {
  static constexpr std::string_view kind = "mta.lifecycle";
  static constexpr Source source = Source::mta;
  std::string step;     // prepared, ready, stopped
  std::string service;  // "" for prepared
  std::int64_t ms = 0;
  std::optional<std::int64_t> pid;  // the master a stop waited for
  static constexpr auto fields() {
    using E = MtaLifecycle;
    return std::tuple{field("step", &E::step), field("service", &E::service), field("ms", &E::ms),
                      field("pid", &E::pid, Presence::when_set)};
  }
};

struct MtaError {
  static constexpr std::string_view kind = "mta.error";
  static constexpr Source source = Source::mta;
  std::string error;
  static constexpr auto fields() { return std::tuple{field("error", &MtaError::error)}; }
};

struct MtaLogError {
  static constexpr std::string_view kind = "mta.log_error";
  static constexpr Source source = Source::mta;
  std::string error, line;
  static constexpr auto fields() {
    return std::tuple{field("error", &MtaLogError::error), field("line", &MtaLogError::line)};
  }
};

// A command sender's TLS-RPT report run (commands.report) finished.
struct MtaReport {
  static constexpr std::string_view kind = "mta.report";
  static constexpr Source source = Source::mta;
  int exit = 0;
  bool timed_out = false;
  std::string out, err;
  static constexpr auto fields() {
    using E = MtaReport;
    return std::tuple{field("exit", &E::exit), field("timed_out", &E::timed_out),
                      field("out", &E::out), field("err", &E::err)};
  }
};

}  // namespace stslab::core::events
