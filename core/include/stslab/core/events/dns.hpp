// fake-dns's events (Source::dns; docs/events/fake-dns.md). `client` / `server` are "ip:port",
// `transport` "udp" or "tcp".
#pragma once

#include "stslab/core/events/schema.hpp"

namespace stslab::core::events {

struct DnsQuery {
  static constexpr std::string_view kind = "dns.query";
  static constexpr Source source = Source::dns;
  std::string client, server, transport;
  std::string qname;  // as the client spelled it, no trailing dot
  std::string qtype, qclass;
  std::uint64_t id = 0;
  nlohmann::json edns;               // {udp_size, version, do} or null
  std::optional<std::string> rcode;  // what was sent; none when nothing was
  std::uint64_t answer_count = 0;
  std::vector<std::string> answers;  // presentation format
  bool truncated = false;
  std::optional<std::string> fault;  // the scripted fault applied
  bool scripted = false;             // the name is at or below a scripted domain
  static constexpr auto fields() {
    using E = DnsQuery;
    return std::tuple{field("client", &E::client),
                      field("server", &E::server),
                      field("transport", &E::transport),
                      field("qname", &E::qname),
                      field("qtype", &E::qtype),
                      field("qclass", &E::qclass),
                      field("id", &E::id),
                      field("edns", &E::edns),
                      field("rcode", &E::rcode),
                      field("answer_count", &E::answer_count),
                      field("answers", &E::answers),
                      field("truncated", &E::truncated),
                      field("fault", &E::fault),
                      field("scripted", &E::scripted)};
  }
  std::string describe(const Event& e) const;
};

struct DnsBadQuery {
  static constexpr std::string_view kind = "dns.bad_query";
  static constexpr Source source = Source::dns;
  std::string client, server, transport;
  std::string reason;  // short_header, response, oversized, opcode, malformed, ...
  std::string detail;
  std::uint64_t size = 0;
  std::optional<std::uint64_t> id;   // when the 12-byte header was there
  std::optional<std::string> rcode;  // the error reply sent; none when dropped
  static constexpr auto fields() {
    using E = DnsBadQuery;
    return std::tuple{
        field("client", &E::client), field("server", &E::server), field("transport", &E::transport),
        field("reason", &E::reason), field("detail", &E::detail), field("size", &E::size),
        field("id", &E::id),         field("rcode", &E::rcode)};
  }
  std::string describe(const Event& e) const;
};

struct DnsError {
  static constexpr std::string_view kind = "dns.error";
  static constexpr Source source = Source::dns;
  std::string client, server, transport;
  std::string what;
  std::uint64_t size = 0;
  static constexpr auto fields() {
    using E = DnsError;
    return std::tuple{field("client", &E::client), field("server", &E::server),
                      field("transport", &E::transport), field("what", &E::what),
                      field("size", &E::size)};
  }
};

}  // namespace stslab::core::events
