// fake-https's events (Source::https; docs/events/fake-https.md). `local` / `peer` are
// "ip:port"; `sni` is what the ClientHello named (lower case) or none.
#pragma once

#include "stslab/core/events/schema.hpp"

namespace stslab::core::events {

struct HttpsTls {
  static constexpr std::string_view kind = "https.tls";
  static constexpr Source source = Source::https;
  std::string local, peer;
  std::optional<std::string> sni;
  bool ok = false;
  std::optional<std::string> version, cipher;
  std::optional<std::string> vhost;        // whose certificate was chosen; none = fallback
  std::optional<std::string> selected_by;  // "sni", "local_address", "fallback"
  bool unknown_sni = false;
  std::optional<std::string> cert_host, cert_profile;
  std::optional<std::string> error;       // why the handshake failed
  std::optional<std::string> alert;       // the alert the client sent
  std::optional<std::string> alert_sent;  // the scripted alert we refused with
  static constexpr auto fields() {
    using E = HttpsTls;
    return std::tuple{field("local", &E::local),
                      field("peer", &E::peer),
                      field("sni", &E::sni),
                      field("ok", &E::ok),
                      field("version", &E::version),
                      field("cipher", &E::cipher),
                      field("vhost", &E::vhost),
                      field("selected_by", &E::selected_by),
                      field("unknown_sni", &E::unknown_sni),
                      field("cert_host", &E::cert_host),
                      field("cert_profile", &E::cert_profile),
                      field("error", &E::error),
                      field("alert", &E::alert),
                      field("alert_sent", &E::alert_sent)};
  }
  std::string describe(const Event& e) const;
};

struct HttpsRequest {
  static constexpr std::string_view kind = "https.request";
  static constexpr Source source = Source::https;
  std::string local, peer;
  std::optional<std::string> sni;
  std::string method, target;
  std::optional<std::string> host_header;
  nlohmann::json headers = nlohmann::json::object();  // names lower case
  std::optional<std::string> vhost;
  std::optional<std::string> routed_by;  // "host", "sni", "local_address"
  std::string outcome;                   // "scripted", "post_sink", "not_found", ...
  bool scripted = false;
  std::uint64_t request_body_bytes = 0;
  unsigned status = 0;
  std::uint64_t body_bytes_sent = 0;
  bool completed = false;  // the whole scripted response went out
  bool cut_short = false;  // stopped on purpose by close_after_body_bytes
  std::optional<std::string> error;
  static constexpr auto fields() {
    using E = HttpsRequest;
    return std::tuple{field("local", &E::local),
                      field("peer", &E::peer),
                      field("sni", &E::sni),
                      field("method", &E::method),
                      field("target", &E::target),
                      field("host_header", &E::host_header),
                      field("headers", &E::headers),
                      field("vhost", &E::vhost),
                      field("routed_by", &E::routed_by),
                      field("outcome", &E::outcome),
                      field("scripted", &E::scripted),
                      field("request_body_bytes", &E::request_body_bytes),
                      field("status", &E::status),
                      field("body_bytes_sent", &E::body_bytes_sent),
                      field("completed", &E::completed),
                      field("cut_short", &E::cut_short),
                      field("error", &E::error)};
  }
  std::string describe(const Event& e) const;
  // A complete 200 answer to GET /.well-known/mta-sts.txt: the sender got a policy.
  bool fetched_policy() const {
    return method == "GET" && target.rfind("/.well-known/mta-sts.txt", 0) == 0 && status == 200 &&
           completed;
  }
};

struct HttpsPost {
  static constexpr std::string_view kind = "https.post";
  static constexpr Source source = Source::https;
  std::string local, peer;
  std::optional<std::string> sni;
  std::uint64_t id = 0;  // StoredPost::id
  std::string path, target, content_type, content_encoding;
  std::uint64_t body_bytes = 0;
  nlohmann::json headers = nlohmann::json::object();
  unsigned status = 0;
  static constexpr auto fields() {
    using E = HttpsPost;
    return std::tuple{field("local", &E::local),
                      field("peer", &E::peer),
                      field("sni", &E::sni),
                      field("id", &E::id),
                      field("path", &E::path),
                      field("target", &E::target),
                      field("content_type", &E::content_type),
                      field("content_encoding", &E::content_encoding),
                      field("body_bytes", &E::body_bytes),
                      field("headers", &E::headers),
                      field("status", &E::status)};
  }
};

// A broken exchange after the handshake, or a failed accept (stage "accept": no connection, so
// local, peer and sni are null).
struct HttpsError {
  static constexpr std::string_view kind = "https.error";
  static constexpr Source source = Source::https;
  std::optional<std::string> local, peer, sni;
  std::string stage;  // "header", "body", "internal", "accept"
  std::string error;
  std::optional<unsigned> status_sent;
  std::uint64_t requests_served = 0;
  static constexpr auto fields() {
    using E = HttpsError;
    return std::tuple{field("local", &E::local),
                      field("peer", &E::peer),
                      field("sni", &E::sni),
                      field("stage", &E::stage),
                      field("error", &E::error),
                      field("status_sent", &E::status_sent),
                      field("requests_served", &E::requests_served)};
  }
};

}  // namespace stslab::core::events
