// Matching MX host names against a policy's mx patterns (RFC 8461 §4.1).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "stslab/sender/defects.hpp"

namespace stslab::sender {

// True if `pattern` has the §3.2 form: a domain name (LDH labels, A-labels for IDNs) or "*."
// followed by one. Anything else ("*.*.d", "mail*.d", "*d", U-labels) never matches.
bool is_valid_mx_pattern(std::string_view pattern);

// Case-insensitive, a trailing dot on either side ignored; "*.d" covers exactly one extra
// left-most label (any depth with the wildcard-any-depth defect).
bool mx_matches(std::string_view host, std::string_view pattern, const DefectSet& defects);
bool mx_matches_any(std::string_view host, const std::vector<std::string>& patterns,
                    const DefectSet& defects);

// Lowercase, without a trailing dot.
std::string normalize_host(std::string_view name);

}  // namespace stslab::sender
