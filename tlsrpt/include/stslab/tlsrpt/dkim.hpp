// Just enough of a DKIM-Signature header (RFC 6376 §3.5) for RPT-12, RPT-13 and RPT-15. The
// signature itself is not verified here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace stslab::tlsrpt {

struct DkimSignature {
  std::string domain;                       // d=
  std::string selector;                     // s=
  bool has_body_length = false;             // l= present (RPT-13 forbids it)
  std::vector<std::string> signed_headers;  // h=, lower-cased
};

// Parses the tag list of one DKIM-Signature value (folding whitespace allowed anywhere).
DkimSignature parse_dkim_signature(std::string_view value);

}  // namespace stslab::tlsrpt
