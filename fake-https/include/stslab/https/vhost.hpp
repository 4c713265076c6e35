// A virtual host of the policy server as plain data: its name, the addresses it owns, the
// certificate it shows, its TLS versions and its routes. The harness edits these while the
// server runs; the server reads a consistent snapshot per connection and per request.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "stslab/core/pki.hpp"
#include "stslab/core/tls.hpp"
#include "stslab/https/response.hpp"

namespace stslab::https {

// Which certificate to present: minted from the lab PKI for the vhost's name, or given outright.
struct CertSpec {
  core::CertProfile profile = core::CertProfile::valid;
  core::KeyType key_type = core::KeyType::rsa2048;
  std::optional<core::Credential> credential;  // when set, used as-is (profile/key_type ignored)
};

struct VirtualHost {
  std::string name;  // e.g. "mta-sts.a.test"; matched case-insensitively against SNI and Host
  // Local addresses this vhost owns: a connection arriving on one of them without SNI gets this
  // vhost's certificate (many senders send no SNI; RFC 8461 §7.1 forbids requiring it).
  std::vector<boost::asio::ip::address> addresses;
  CertSpec certificate;
  core::TlsVersionBounds tls;
  // Refuse every handshake for this vhost with this TLS alert (e.g. 40 = handshake_failure).
  std::optional<std::uint8_t> handshake_alert;
  std::map<std::string, Response> routes;      // path -> answer to GET (other methods: 405)
  std::map<std::string, PostSink> post_sinks;  // path -> POST receiver (other methods: 405)
};

}  // namespace stslab::https
