// One reporting URI of a TLS-RPT record's `rua` (RFC 8460 §3), read the same way by the
// reference sender (which must send reports there) and the harness (whose lab receives them).
// The record around it is each one's business: the sender applies §3's grammar strictly, the
// harness reads what a deliberately broken record still names.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace stslab::core {

struct RuaUri {
  enum class Scheme { mailto, https, unsupported };
  Scheme scheme = Scheme::unsupported;
  std::string uri;      // as published (percent-encoding kept)
  std::string address;  // mailto: the addr-spec, percent-decoded, without ?headers
  std::string host;     // lower case: the mail domain, or the https host without its port
  std::string path;     // https: the path with its query ("/" when none)
};

// `text` (already trimmed of blanks) as a URI: a scheme (RFC 3986 §3.1), a colon, something
// after it, no blanks or controls; mailto: needs an address with '@', https: needs "//".
// nullopt when it is none of that. Other schemes give Scheme::unsupported, so a caller can say
// it skipped them.
std::optional<RuaUri> parse_rua_uri(std::string_view text);

// "%2C" -> ","; malformed escapes are kept as written.
std::string percent_decode(std::string_view text);

}  // namespace stslab::core
