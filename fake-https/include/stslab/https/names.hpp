// Name handling shared by TLS and HTTP: the server name from a ClientHello's SNI extension and a
// normalised Host header. Pure functions, so hostile input can be tested without sockets.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace stslab::https {

// Parses the body of a server_name extension (RFC 6066 §3) and returns the host_name entry,
// lowercased, without a trailing dot. nullopt if the extension is malformed or names no host.
std::optional<std::string> parse_sni_extension(std::span<const unsigned char> extension);

// "MTA-STS.A.Test:443" -> "mta-sts.a.test"; "[::1]:443" -> "::1"; trailing dot dropped.
std::string normalize_host(std::string_view host_header);

}  // namespace stslab::https

namespace stslab::https {

// Makes bytes from the wire safe for the JSON journal: printable ASCII is kept, every other byte
// becomes "\xNN" (a hostile SNI or header must not break the journal's UTF-8 output).
std::string printable(std::string_view bytes);

}  // namespace stslab::https
