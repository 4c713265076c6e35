// One DNS message in, at most one message out, plus the journal event that records it.
// No sockets here: the UDP loop and the TCP sessions call respond() and send what it returns.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "stslab/dns/zone.hpp"

namespace stslab::dns {

enum class Transport { udp, tcp };
std::string_view to_string(Transport transport);

struct ResponderLimits {
  std::size_t max_udp_query = 4096;    // larger datagrams get FORMERR
  std::size_t max_tcp_query = 65535;   // larger frames end the TCP session
  std::uint16_t edns_udp_size = 1232;  // advertised in our OPT record
};

// What happened to one incoming message.
struct Exchange {
  std::optional<std::vector<std::uint8_t>> reply;  // empty: send nothing
  std::string kind;                                // "dns.query" or "dns.bad_query"
  std::string domain;  // lowercase qname without trailing dot; "" when no question was read
  nlohmann::json data = nlohmann::json::object();
};

// Answers `message` (a DNS message without the TCP length prefix) from `zone`. Never throws for
// bad input: malformed messages become FORMERR/NOTIMP replies or drops, recorded as
// dns.bad_query. `client` is "address:port", `server` the listening "address:port".
Exchange respond(std::span<const std::uint8_t> message, Transport transport, const Zone& zone,
                 const ResponderLimits& limits, std::string_view client, std::string_view server);

// A dns.bad_query event for failures the transport sees before there is a message (a TCP
// frame cut short or stalled). `detail` is free text.
Exchange transport_error(std::string_view reason, std::string_view detail, Transport transport,
                         std::string_view client, std::string_view server, std::size_t size);

// A dns.error event: something failed inside the server (not the peer's fault).
Exchange server_error(std::string_view what, Transport transport, std::string_view client,
                      std::string_view server, std::size_t size);

}  // namespace stslab::dns
