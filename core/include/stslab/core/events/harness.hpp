// The harness's own events (Source::harness): scenario steps, the TLS-RPT receivers
// (docs/events/tlsrpt.md) and the journal's overflow note.
#pragma once

#include "stslab/core/events/schema.hpp"

namespace stslab::core::events {

struct HarnessStep {
  static constexpr std::string_view kind = "harness.step";
  static constexpr Source source = Source::harness;
  std::string scenario;
  std::string summary;  // what the step did, in words
  static constexpr auto fields() {
    return std::tuple{field("scenario", &HarnessStep::scenario),
                      field("summary", &HarnessStep::summary)};
  }
  std::string describe(const Event& e) const;
};

struct TlsrptReport {
  static constexpr std::string_view kind = "tlsrpt.report";
  static constexpr Source source = Source::harness;
  std::string transport;                    // "mailto" or "https"
  std::string receiver;                     // the mail domain, or host + path
  std::optional<std::uint64_t> message_id;  // mailto: fake-smtp's stored message
  std::optional<std::uint64_t> post_id;     // https: fake-https's stored post
  std::optional<bool> tls;                  // mailto: the report mail came over TLS
  std::optional<std::string> content_type;  // https
  nlohmann::json policy_domains = nlohmann::json::array();
  std::optional<nlohmann::json> dkim;  // mailto: one result per signature, or null
  std::optional<std::string> error;    // why no report could be read
  nlohmann::json analysis;             // docs/tlsrpt.md
  nlohmann::json report;               // the report JSON as sent, or null
  static constexpr auto fields() {
    using E = TlsrptReport;
    return std::tuple{field("transport", &E::transport),
                      field("receiver", &E::receiver),
                      field("message_id", &E::message_id, Presence::when_set),
                      field("post_id", &E::post_id, Presence::when_set),
                      field("tls", &E::tls, Presence::when_set),
                      field("content_type", &E::content_type, Presence::when_set),
                      field("policy_domains", &E::policy_domains),
                      field("dkim", &E::dkim, Presence::when_set),
                      field("error", &E::error),
                      field("analysis", &E::analysis),
                      field("report", &E::report)};
  }
};

struct TlsrptError {
  static constexpr std::string_view kind = "tlsrpt.error";
  static constexpr Source source = Source::harness;
  std::uint64_t event = 0;  // the seq of the smtp.message / https.post
  std::string error;
  static constexpr auto fields() {
    return std::tuple{field("event", &TlsrptError::event), field("error", &TlsrptError::error)};
  }
};

struct JournalOverflow {
  static constexpr std::string_view kind = "journal.overflow";
  static constexpr Source source = Source::harness;
  std::uint64_t max_bytes = 0;
  std::string first_dropped_kind, first_dropped_domain;
  static constexpr auto fields() {
    using E = JournalOverflow;
    return std::tuple{field("max_bytes", &E::max_bytes),
                      field("first_dropped_kind", &E::first_dropped_kind),
                      field("first_dropped_domain", &E::first_dropped_domain)};
  }
};

}  // namespace stslab::core::events
