// Resource records written in zone-file syntax, parsed by ldns.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "stslab/dns/ldns_handles.hpp"

namespace stslab::dns {

// A record or type that could not be parsed. what() names the text and ldns's reason.
class RecordError : public std::invalid_argument {
 public:
  RecordError(std::string text, std::string reason);
  const std::string& text() const { return text_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string text_;
  std::string reason_;
};

// Parses one record, e.g. "_mta-sts.a.test. 5 IN TXT \"v=STSv1; id=1\"" or
// "a.test. MX 10 mx1.a.test.". Missing TTL -> default_ttl, missing class -> IN; names are
// absolute even without the trailing dot. Throws RecordError.
RrPtr parse_record(std::string_view text, std::uint32_t default_ttl);

// "TXT", "txt", "TYPE65000" -> the type. Throws RecordError for an unknown mnemonic.
ldns_rr_type parse_type(std::string_view mnemonic);

// A TXT record's text as zone-file character-strings: quoted, split every 255 octets (RFC 1035
// §3.3.14), quotes and backslashes escaped, octets that are not printable ASCII written as \DDD.
// "" gives one empty string.
std::string txt_rdata(std::string_view text);

// The strings of a TXT record joined with no separator (RFC 7208 §3.3, RFC 6376 §3.6.2.2).
std::string txt_joined(const ldns_rr* rr);

}  // namespace stslab::dns
