#include "host_settings.hpp"

#include <stdexcept>

namespace stslab::harness::detail {
namespace {

using VirtualHost = https::VirtualHost;
using MxVhost = smtp::Vhost;
template <class Target>
using Change = std::optional<std::function<void(Target&)>>;

std::optional<core::TlsVersion> read_tls_version(const YAML::Node& value, const std::string& field,
                                                 Diagnostics& diag) {
  const auto text = read_string(value, field, diag);
  if (!text) return std::nullopt;
  try {
    return core::parse_tls_version(*text);
  } catch (const std::invalid_argument&) {
    diag.error(value, field, "expected a TLS version 1.0, 1.1, 1.2 or 1.3, got '" + *text + "'");
    return std::nullopt;
  }
}

// Every answer the policy host gives (the policy, a redirect's target).
void each_route(VirtualHost& v, const std::function<void(https::Response&)>& change) {
  for (auto& [path, response] : v.routes)
    change(response);
}

template <class Target>
Change<Target> tls_min(const YAML::Node& value, const std::string& field, Diagnostics& diag) {
  const auto version = read_tls_version(value, field, diag);
  if (!version) return std::nullopt;
  return [v = *version](Target& t) { t.tls.min = v; };
}

template <class Target>
Change<Target> tls_max(const YAML::Node& value, const std::string& field, Diagnostics& diag) {
  const auto version = read_tls_version(value, field, diag);
  if (!version) return std::nullopt;
  return [v = *version](Target& t) { t.tls.max = v; };
}

Change<VirtualHost> handshake_alert(const YAML::Node& value, const std::string& field,
                                    Diagnostics& diag) {
  const auto alert = read_int(value, field, 0, 255, diag);
  if (!alert) return std::nullopt;
  return [a = static_cast<std::uint8_t>(*alert)](VirtualHost& v) { v.handshake_alert = a; };
}

// A number in 0..max set on every answer of the policy host by `set`.
Change<VirtualHost> on_every_answer(const YAML::Node& value, const std::string& field,
                                    Diagnostics& diag, std::int64_t max,
                                    void (*set)(https::Response&, std::int64_t)) {
  const auto n = read_int(value, field, 0, max, diag);
  if (!n) return std::nullopt;
  return [n = *n, set](VirtualHost& v) { each_route(v, [&](https::Response& r) { set(r, n); }); };
}

Change<VirtualHost> delay_ms(const YAML::Node& value, const std::string& field, Diagnostics& diag) {
  return on_every_answer(value, field, diag, 600'000, [](https::Response& r, std::int64_t n) {
    r.delay = std::chrono::milliseconds(n);
  });
}

Change<VirtualHost> close_after_body_bytes(const YAML::Node& value, const std::string& field,
                                           Diagnostics& diag) {
  return on_every_answer(value, field, diag, 1 << 30, [](https::Response& r, std::int64_t n) {
    r.close_after_body_bytes = static_cast<std::size_t>(n);
  });
}

Change<VirtualHost> filler_bytes(const YAML::Node& value, const std::string& field,
                                 Diagnostics& diag) {
  return on_every_answer(value, field, diag, 1 << 30, [](https::Response& r, std::int64_t n) {
    r.filler_bytes = static_cast<std::size_t>(n);
  });
}

// {chunk_bytes: 1, interval_ms: 1000}: the body goes out that many bytes at a time.
Change<VirtualHost> trickle(const YAML::Node& value, const std::string& field, Diagnostics& diag) {
  if (!check_map(value, field, {"chunk_bytes", "interval_ms"}, diag)) return std::nullopt;
  https::Trickle t;
  const auto chunk =
      value["chunk_bytes"]
          ? read_int(value["chunk_bytes"], join_field(field, "chunk_bytes"), 1, 1 << 20, diag)
          : std::optional<std::int64_t>(1);
  const auto interval =
      value["interval_ms"]
          ? read_int(value["interval_ms"], join_field(field, "interval_ms"), 0, 600'000, diag)
          : std::optional<std::int64_t>(1000);
  if (!chunk || !interval) return std::nullopt;
  t.chunk_bytes = static_cast<std::size_t>(*chunk);
  t.interval = std::chrono::milliseconds(*interval);
  return [t](VirtualHost& v) { each_route(v, [&](https::Response& r) { r.trickle = t; }); };
}

Change<MxVhost> banner(const YAML::Node& value, const std::string& field, Diagnostics& diag) {
  const auto text = read_string(value, field, diag);
  if (!text) return std::nullopt;
  return [t = *text](MxVhost& v) { v.banner_text = t; };
}

// One scripted reply: {stage: rcpt, code: 451, text: "4.7.1 later", match: "@b.test", close: no}.
std::optional<smtp::StageReply> read_reply(const YAML::Node& node, const std::string& field,
                                           Diagnostics& diag) {
  if (!check_map(node, field, {"stage", "code", "text", "match", "close"}, diag)) {
    return std::nullopt;
  }
  smtp::StageReply reply;
  bool ok = true;
  if (const YAML::Node stage = node["stage"]) {
    const auto word = read_string(stage, join_field(field, "stage"), diag);
    try {
      if (word) reply.stage = smtp::parse_stage(*word);
    } catch (const std::invalid_argument& e) {
      diag.error(stage, join_field(field, "stage"), e.what());
      ok = false;
    }
    ok = ok && word.has_value();
  } else {
    diag.error(node, join_field(field, "stage"), "missing (required)");
    ok = false;
  }
  if (const YAML::Node code = node["code"]) {
    const auto c = read_int(code, join_field(field, "code"), 200, 599, diag);
    ok = ok && c.has_value();
    if (c) reply.code = static_cast<int>(*c);
  }
  if (const YAML::Node text = node["text"]) {
    const auto t = read_string(text, join_field(field, "text"), diag);
    ok = ok && t.has_value();
    if (t) reply.text = *t;
  }
  if (const YAML::Node match = node["match"]) {
    const auto m = read_string(match, join_field(field, "match"), diag);
    ok = ok && m.has_value();
    if (m) reply.match = *m;
  }
  if (const YAML::Node close = node["close"]) {
    const auto c = read_bool(close, join_field(field, "close"), diag);
    ok = ok && c.has_value();
    if (c) reply.close = *c;
  }
  if (!ok) return std::nullopt;
  return reply;
}

Change<MxVhost> replies(const YAML::Node& value, const std::string& field, Diagnostics& diag) {
  if (!value.IsSequence()) {
    diag.error(value, field, "expected a list of replies, got " + std::string(kind_name(value)));
    return std::nullopt;
  }
  std::vector<smtp::StageReply> list;
  bool ok = true;
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto reply = read_reply(value[i], index_field(field, i), diag);
    ok = ok && reply.has_value();
    if (reply) list.push_back(std::move(*reply));
  }
  if (!ok) return std::nullopt;
  return [list](MxVhost& v) { v.replies = list; };
}

// An EHLO keyword the MX advertises or not.
template <bool smtp::Capabilities::*Field>
Change<MxVhost> advertise(const YAML::Node& value, const std::string& field, Diagnostics& diag) {
  const auto on = read_bool(value, field, diag);
  if (!on) return std::nullopt;
  return [b = *on](MxVhost& v) { v.caps.*Field = b; };
}

}  // namespace

const std::vector<HostSetting<VirtualHost>>& policy_host_settings() {
  static const std::vector<HostSetting<VirtualHost>> table{
      {"tls_min", "1.0 | 1.1 | 1.2 | 1.3", "the lowest TLS version the policy host accepts",
       &tls_min<VirtualHost>},
      {"tls_max", "1.0 | 1.1 | 1.2 | 1.3", "the highest TLS version the policy host accepts",
       &tls_max<VirtualHost>},
      {"handshake_alert", "0..255",
       "refuse every TLS handshake with this alert (40 = handshake_failure)", &handshake_alert},
      {"delay_ms", "0..600000", "wait this long before the status line of every answer", &delay_ms},
      {"close_after_body_bytes", "bytes",
       "close the connection after this many body bytes (a short body against Content-Length)",
       &close_after_body_bytes},
      {"filler_bytes", "bytes", "append this many filler bytes to every answer's body (oversized)",
       &filler_bytes},
      {"trickle", "{chunk_bytes, interval_ms}", "send every answer's body a few bytes at a time",
       &trickle},
  };
  return table;
}

const std::vector<HostSetting<MxVhost>>& mx_settings() {
  static const std::vector<HostSetting<MxVhost>> table{
      {"tls_min", "1.0 | 1.1 | 1.2 | 1.3", "the lowest TLS version STARTTLS accepts",
       &tls_min<MxVhost>},
      {"tls_max", "1.0 | 1.1 | 1.2 | 1.3", "the highest TLS version STARTTLS accepts",
       &tls_max<MxVhost>},
      {"banner", "text", "the greeting after \"220 \"", &banner},
      {"replies", "[{stage, code, text, match, close}]",
       "replies given instead of the normal ones at a stage (banner, ehlo, starttls, mail, rcpt, "
       "data, end_of_data); the first match per stage wins",
       &replies},
      {"pipelining", "bool", "advertise PIPELINING", &advertise<&smtp::Capabilities::pipelining>},
      {"chunking", "bool", "advertise CHUNKING (BDAT)", &advertise<&smtp::Capabilities::chunking>},
      {"smtputf8", "bool", "advertise SMTPUTF8", &advertise<&smtp::Capabilities::smtputf8>},
  };
  return table;
}

}  // namespace stslab::harness::detail
