// Owning handles for ldns objects, and the few conversions every part of fake-dns needs.
// All wire-format work goes through ldns; these helpers only manage memory and strings.
#pragma once

// ldns/common.h, compiled as C++, turns bool/true/false into macros (true becomes the int 1,
// so nlohmann::json stores numbers and overloads go astray) unless <stdbool.h> came first.
// Include ldns only through this header.
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers)
// (keep <stdbool.h> above <ldns/ldns.h>; clang-format would sort it after)
#include <ldns/ldns.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace stslab::dns {

struct RrDeleter {
  void operator()(ldns_rr* rr) const { ldns_rr_free(rr); }
};
struct RdfDeleter {
  void operator()(ldns_rdf* rdf) const { ldns_rdf_deep_free(rdf); }
};
struct PktDeleter {
  void operator()(ldns_pkt* pkt) const { ldns_pkt_free(pkt); }
};

using RrPtr = std::unique_ptr<ldns_rr, RrDeleter>;
using RdfPtr = std::unique_ptr<ldns_rdf, RdfDeleter>;
using PktPtr = std::unique_ptr<ldns_pkt, PktDeleter>;

RrPtr clone(const ldns_rr* rr);
RdfPtr clone(const ldns_rdf* rdf);

// Presentation format, without ldns's trailing newline.
std::string to_string(const ldns_rr* rr);
std::string to_string(const ldns_rdf* rdf);

// "TXT", "MX", "TYPE65000".
std::string type_mnemonic(ldns_rr_type type);
// "NOERROR", "NXDOMAIN", ... ; extended rcodes such as BADVERS included.
std::string rcode_mnemonic(unsigned rcode);

// Serializes a packet (with name compression). Throws std::runtime_error with ldns's reason.
std::vector<std::uint8_t> to_wire(const ldns_pkt* pkt);

// Parses a message. On failure returns null and sets `status`.
PktPtr from_wire(std::span<const std::uint8_t> wire, ldns_status& status);

}  // namespace stslab::dns
