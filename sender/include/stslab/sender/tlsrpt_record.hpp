// The `_smtp._tls.<policy-domain>` TXT record (RFC 8460 §3): picking the one record that counts
// and reading its `rua` destinations. Pure functions, no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "stslab/core/rua_uri.hpp"

namespace stslab::sender {

// One reporting URI of `rua`, parsed as the harness parses it (core/rua_uri.hpp).
using core::percent_decode;
using core::RuaUri;

struct TlsrptSelection {
  enum class Kind {
    none,      // no record starts with "v=TLSRPTv1;"
    multiple,  // more than one does: §3 says the domain does not use TLS-RPT
    invalid,   // exactly one, but it does not parse (or has no rua)
    valid,
  };
  Kind kind = Kind::none;
  std::vector<RuaUri> rua;  // valid: every URI, in the published order
  std::string record;       // the record considered
  std::string detail;       // why it is not valid
};

// Applies the §3 discard rule (keep records beginning exactly with "v=TLSRPTv1;") and the
// exactly-one rule, then parses the survivor by the §3 ABNF. `records` are the TXT records of
// one lookup, each already joined from its strings with no separator (RPT-03).
TlsrptSelection select_tlsrpt_record(const std::vector<std::string>& records);

}  // namespace stslab::sender
