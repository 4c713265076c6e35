// fake-smtp's events (Source::smtp; docs/events/fake-smtp.md). Every one but the listener's
// carries `session`, the id shared by all events of one connection.
#pragma once

#include "stslab/core/events/schema.hpp"

namespace stslab::core::events {

struct SmtpSessionOpen {
  static constexpr std::string_view kind = "smtp.session.open";
  static constexpr Source source = Source::smtp;
  std::uint64_t session = 0;
  std::string peer, local;  // "ip:port"
  static constexpr auto fields() {
    using E = SmtpSessionOpen;
    return std::tuple{field("session", &E::session), field("peer", &E::peer),
                      field("local", &E::local)};
  }
};

struct SmtpCommand {
  static constexpr std::string_view kind = "smtp.command";
  static constexpr Source source = Source::smtp;
  std::uint64_t session = 0;
  std::string line;
  bool tls = false;
  bool bare_lf = false;   // the line ended with LF alone
  bool overlong = false;  // longer than the 1000-octet limit
  static constexpr auto fields() {
    using E = SmtpCommand;
    return std::tuple{field("session", &E::session), field("line", &E::line), field("tls", &E::tls),
                      field("bare_lf", &E::bare_lf, Presence::when_set),
                      field("overlong", &E::overlong, Presence::when_set)};
  }
  std::string describe(const Event& e) const;
};

struct SmtpReply {
  static constexpr std::string_view kind = "smtp.reply";
  static constexpr Source source = Source::smtp;
  std::uint64_t session = 0;
  int code = 0;
  std::string text;  // lines joined by "\n", without the code
  bool tls = false;
  static constexpr auto fields() {
    using E = SmtpReply;
    return std::tuple{field("session", &E::session), field("code", &E::code),
                      field("text", &E::text), field("tls", &E::tls)};
  }
  std::string describe(const Event& e) const;
};

struct SmtpTls {
  static constexpr std::string_view kind = "smtp.tls";
  static constexpr Source source = Source::smtp;
  std::uint64_t session = 0;
  bool ok = false;
  std::optional<std::string> version, cipher, sni;
  std::string cert_profile;  // "valid", "expired", "wrong-name", ...
  std::string cert_host;     // the name the certificate was minted for
  std::optional<std::string> error, alert;
  static constexpr auto fields() {
    using E = SmtpTls;
    return std::tuple{field("session", &E::session),
                      field("ok", &E::ok),
                      field("version", &E::version),
                      field("cipher", &E::cipher),
                      field("sni", &E::sni),
                      field("cert_profile", &E::cert_profile),
                      field("cert_host", &E::cert_host),
                      field("error", &E::error),
                      field("alert", &E::alert)};
  }
  std::string describe(const Event& e) const;
  // The handshake showed `host` a certificate a validating sender accepts for it.
  bool trusted_certificate_for(std::string_view host) const;
};

struct SmtpTlsUnavailable {
  static constexpr std::string_view kind = "smtp.tls.unavailable";
  static constexpr Source source = Source::smtp;
  std::uint64_t session = 0;
  std::string error;
  static constexpr auto fields() {
    using E = SmtpTlsUnavailable;
    return std::tuple{field("session", &E::session), field("error", &E::error)};
  }
};

struct SmtpDiscardedPlaintext {
  static constexpr std::string_view kind = "smtp.discarded_plaintext";
  static constexpr Source source = Source::smtp;
  std::uint64_t session = 0;
  std::uint64_t bytes = 0;
  static constexpr auto fields() {
    using E = SmtpDiscardedPlaintext;
    return std::tuple{field("session", &E::session), field("bytes", &E::bytes)};
  }
};

struct SmtpMessage {
  static constexpr std::string_view kind = "smtp.message";
  static constexpr Source source = Source::smtp;
  std::uint64_t session = 0;
  std::uint64_t message_id = 0;  // SmtpServer::message(id)
  std::string queue_id;          // "<session>.<n>", also in the 250 reply
  std::string mail_from;
  std::vector<std::string> rcpts;
  std::uint64_t size = 0;  // octets after dot-unstuffing
  std::string sha256;
  bool chunked = false;
  bool tls = false;
  std::optional<std::string> tls_version;
  static constexpr auto fields() {
    using E = SmtpMessage;
    return std::tuple{field("session", &E::session),   field("message_id", &E::message_id),
                      field("queue_id", &E::queue_id), field("mail_from", &E::mail_from),
                      field("rcpts", &E::rcpts),       field("size", &E::size),
                      field("sha256", &E::sha256),     field("chunked", &E::chunked),
                      field("tls", &E::tls),           field("tls_version", &E::tls_version)};
  }
  std::string describe(const Event& e) const;
};

struct SmtpMessageRefused {
  static constexpr std::string_view kind = "smtp.message.refused";
  static constexpr Source source = Source::smtp;
  std::uint64_t session = 0;
  std::string mail_from;
  std::vector<std::string> rcpts;
  std::uint64_t size = 0;
  int code = 0;
  std::string reason;  // "too_big", "configured"
  bool tls = false;
  static constexpr auto fields() {
    using E = SmtpMessageRefused;
    return std::tuple{field("session", &E::session), field("mail_from", &E::mail_from),
                      field("rcpts", &E::rcpts),     field("size", &E::size),
                      field("code", &E::code),       field("reason", &E::reason),
                      field("tls", &E::tls)};
  }
};

struct SmtpSessionClose {
  static constexpr std::string_view kind = "smtp.session.close";
  static constexpr Source source = Source::smtp;
  std::uint64_t session = 0;
  std::string how;  // quit, client_closed, timeout, too_many_errors, refused, tls_failed, ...
  bool starttls_offered = false;
  bool starttls_used = false;
  std::string last_state;
  std::optional<std::string> error;
  static constexpr auto fields() {
    using E = SmtpSessionClose;
    return std::tuple{field("session", &E::session),
                      field("how", &E::how),
                      field("starttls_offered", &E::starttls_offered),
                      field("starttls_used", &E::starttls_used),
                      field("last_state", &E::last_state),
                      field("error", &E::error, Presence::when_set)};
  }
  std::string describe(const Event& e) const;
};

struct SmtpListenerError {
  static constexpr std::string_view kind = "smtp.listener.error";
  static constexpr Source source = Source::smtp;
  std::string local, error;
  static constexpr auto fields() {
    using E = SmtpListenerError;
    return std::tuple{field("local", &E::local), field("error", &E::error)};
  }
};

}  // namespace stslab::core::events
