// The STARTTLS-stripping man in the middle's events (Source::mitm; docs/events/mitm.md). All
// but the acceptor's carry `session`.
#pragma once

#include "stslab/core/events/schema.hpp"

namespace stslab::core::events {

struct MitmSessionOpen {
  static constexpr std::string_view kind = "mitm.session.open";
  static constexpr Source source = Source::mitm;
  std::uint64_t session = 0;
  std::string peer, upstream, attack;
  nlohmann::json attack_params = nlohmann::json::object();
  static constexpr auto fields() {
    using E = MitmSessionOpen;
    return std::tuple{field("session", &E::session), field("peer", &E::peer),
                      field("upstream", &E::upstream), field("attack", &E::attack),
                      field("attack_params", &E::attack_params)};
  }
};

// The attack acted; `details` are the attack's own facts, beside the named fields.
struct MitmAttack {
  static constexpr std::string_view kind = "mitm.attack";
  static constexpr Source source = Source::mitm;
  std::uint64_t session = 0;
  std::string attack, action;
  std::string command;  // the line the attack acted on
  std::string phase;    // plaintext, intercepted-tls, passthrough
  nlohmann::json details = nlohmann::json::object();
  static constexpr auto fields() {
    using E = MitmAttack;
    return std::tuple{
        field("session", &E::session), field("attack", &E::attack),
        field("action", &E::action),   field("command", &E::command),
        field("phase", &E::phase),     field("details", &E::details, Presence::merged)};
  }
  std::string describe(const Event& e) const;
};

struct MitmClientCommand {
  static constexpr std::string_view kind = "mitm.client_command";
  static constexpr Source source = Source::mitm;
  std::uint64_t session = 0;
  std::string line;
  std::string phase;  // "plaintext" or "intercepted-tls"
  static constexpr auto fields() {
    using E = MitmClientCommand;
    return std::tuple{field("session", &E::session), field("line", &E::line),
                      field("phase", &E::phase)};
  }
  // Sent inside the TLS session the attacker terminated with its own certificate.
  bool inside_attacker_tls() const { return phase == "intercepted-tls"; }
  // An RCPT TO naming `recipient` (case-insensitive).
  bool names_recipient(std::string_view recipient) const;
};

// The client sent MAIL FROM or DATA where the attacker could read it: in plaintext, or inside
// the TLS session the attacker terminated. One struct per kind, same fields.
template <const char* Kind>
struct MitmMailSeen {
  static constexpr std::string_view kind = Kind;
  static constexpr Source source = Source::mitm;
  std::uint64_t session = 0;
  std::string command;  // "MAIL FROM" or "DATA"
  std::string line;
  static constexpr auto fields() {
    using E = MitmMailSeen;
    return std::tuple{field("session", &E::session), field("command", &E::command),
                      field("line", &E::line)};
  }
  std::string describe(const Event& e) const;
};
inline constexpr char kPlaintextMail[] = "mitm.plaintext_mail";
inline constexpr char kInterceptedMail[] = "mitm.intercepted_mail";
using MitmPlaintextMail = MitmMailSeen<kPlaintextMail>;
using MitmInterceptedMail = MitmMailSeen<kInterceptedMail>;
template <>
std::string MitmPlaintextMail::describe(const Event& e) const;
template <>
std::string MitmInterceptedMail::describe(const Event& e) const;

// A TLS handshake on one side ended; `facts` are the session's (version, cipher, sni, ...) and
// the attack's decision details.
struct MitmTls {
  static constexpr std::string_view kind = "mitm.tls";
  static constexpr Source source = Source::mitm;
  std::uint64_t session = 0;
  std::string side;  // "client" or "upstream"
  bool ok = false;
  std::optional<std::string> error;
  std::optional<nlohmann::json> alert;  // on a failure: the alert the peer sent, or null
  nlohmann::json facts = nlohmann::json::object();
  static constexpr auto fields() {
    using E = MitmTls;
    return std::tuple{field("session", &E::session),
                      field("side", &E::side),
                      field("ok", &E::ok),
                      field("error", &E::error, Presence::when_set),
                      field("alert", &E::alert, Presence::when_set),
                      field("facts", &E::facts, Presence::merged)};
  }
  std::string describe(const Event& e) const;
};

struct MitmPassthrough {
  static constexpr std::string_view kind = "mitm.passthrough";
  static constexpr Source source = Source::mitm;
  std::uint64_t session = 0;
  nlohmann::json client, upstream;  // what each side sent, summarized
  std::string client_handshake;
  std::optional<std::string> first_to_close;
  static constexpr auto fields() {
    using E = MitmPassthrough;
    return std::tuple{field("session", &E::session), field("client", &E::client),
                      field("upstream", &E::upstream),
                      field("client_handshake", &E::client_handshake),
                      field("first_to_close", &E::first_to_close)};
  }
};

struct MitmUpstreamError {
  static constexpr std::string_view kind = "mitm.upstream_error";
  static constexpr Source source = Source::mitm;
  std::uint64_t session = 0;
  std::string upstream, error;
  bool refused_by_safety_rule = false;
  static constexpr auto fields() {
    using E = MitmUpstreamError;
    return std::tuple{field("session", &E::session), field("upstream", &E::upstream),
                      field("error", &E::error),
                      field("refused_by_safety_rule", &E::refused_by_safety_rule)};
  }
};

struct MitmBadInput {
  static constexpr std::string_view kind = "mitm.bad_input";
  static constexpr Source source = Source::mitm;
  std::uint64_t session = 0;
  std::string side, reason;
  static constexpr auto fields() {
    using E = MitmBadInput;
    return std::tuple{field("session", &E::session), field("side", &E::side),
                      field("reason", &E::reason)};
  }
};

struct MitmAcceptError {
  static constexpr std::string_view kind = "mitm.accept_error";
  static constexpr Source source = Source::mitm;
  std::string listen, error;
  static constexpr auto fields() {
    using E = MitmAcceptError;
    return std::tuple{field("listen", &E::listen), field("error", &E::error)};
  }
};

struct MitmSessionClose {
  static constexpr std::string_view kind = "mitm.session.close";
  static constexpr Source source = Source::mitm;
  std::uint64_t session = 0;
  std::string how, attack;
  bool client_sent_mail = false, client_sent_data = false;
  bool plaintext_mail = false, plaintext_data = false;
  bool intercepted_mail = false, intercepted_data = false;
  std::string tls;  // "", "intercepted", "passthrough"
  bool tls_passthrough = false;
  nlohmann::json bytes;  // {from_client, from_upstream}
  static constexpr auto fields() {
    using E = MitmSessionClose;
    return std::tuple{field("session", &E::session),
                      field("how", &E::how),
                      field("attack", &E::attack),
                      field("client_sent_mail", &E::client_sent_mail),
                      field("client_sent_data", &E::client_sent_data),
                      field("plaintext_mail", &E::plaintext_mail),
                      field("plaintext_data", &E::plaintext_data),
                      field("intercepted_mail", &E::intercepted_mail),
                      field("intercepted_data", &E::intercepted_data),
                      field("tls", &E::tls),
                      field("tls_passthrough", &E::tls_passthrough),
                      field("bytes", &E::bytes)};
  }
  std::string describe(const Event& e) const;
};

}  // namespace stslab::core::events
