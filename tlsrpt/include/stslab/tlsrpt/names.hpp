// Syntax checks on the names and addresses a report carries.
#pragma once

#include <string>
#include <string_view>

namespace stslab::tlsrpt {

// Nothing outside US-ASCII: RFC 8460 §4.4 and §5.1 want A-labels, never U-labels (RPT-27).
bool is_ascii(std::string_view text);

// An LDH host name in A-label form (letters, digits, hyphens, dots; labels 1-63 octets), with
// an optional "*." in front when `allow_wildcard` (mx-host patterns, RFC 8461 §4.1).
bool is_hostname(std::string_view name, bool allow_wildcard = false);

enum class IpSyntax { ipv4, ipv6_canonical, ipv6_not_canonical, invalid };
// RPT-29: dotted quad, or IPv6 in the RFC 5952 text form.
IpSyntax classify_ip(std::string_view text);

// The domain of an addr-spec ("local@domain"), or "" if `text` is not one. A light check: one
// "@", a non-empty local part, a host name after it (RFC 5322 §3.4.1 allows more; reporters
// don't use it).
std::string addr_spec_domain(std::string_view text);

// ASCII lower case, for comparing domain names.
std::string lower(std::string_view text);

}  // namespace stslab::tlsrpt
