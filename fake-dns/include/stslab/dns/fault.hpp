// Faults the zone can script for one name (optionally one query type): how the server
// misbehaves instead of answering from its records.
#pragma once

#include <optional>
#include <string_view>

namespace stslab::dns {

enum class Fault {
  servfail,  // rcode SERVFAIL, empty answer
  refused,   // rcode REFUSED, empty answer
  nxdomain,  // rcode NXDOMAIN with an SOA, even if the name has records
  timeout,   // no answer at all, on UDP and TCP
  truncate,  // over UDP: TC=1 with an empty answer, so the client retries over TCP;
             // over TCP: the normal answer
};

std::string_view to_string(Fault fault);
// "servfail", ... ; nullopt for an unknown name.
std::optional<Fault> parse_fault(std::string_view name);

}  // namespace stslab::dns
