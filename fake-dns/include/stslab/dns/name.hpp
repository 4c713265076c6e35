// Domain names: parsing, the lowercase form the journal uses, and the ordered key the zone
// stores names under.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "stslab/dns/ldns_handles.hpp"

namespace stslab::dns {

// Parses a name in presentation format. Every name is absolute: "a.test" means "a.test.".
// Throws std::invalid_argument naming the text and ldns's reason.
RdfPtr parse_name(std::string_view text);

// Lowercase presentation form without the trailing dot; "" for the root. Journal domains use it.
std::string display_name(const ldns_rdf* dname);

// Ordering key: lowercase labels from the root down, joined by '\0' ("test\0a\0mx1"; "" for the
// root). Label text is escaped presentation text, so it never holds a raw '\0', and the keys of a
// name's descendants are exactly those that start with its key + '\0' (one contiguous range).
std::string name_key(const ldns_rdf* dname);

// The keys of `key` and of every ancestor, shortest first, starting with the root ("").
std::vector<std::string> ancestor_keys(const std::string& key);

// True if `key` is `ancestor` or below it.
bool key_is_at_or_below(const std::string& key, const std::string& ancestor);

}  // namespace stslab::dns
