// Parsing helpers for SMTP command lines: verb and argument, MAIL/RCPT paths and parameters,
// and making a line safe to journal.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stslab::smtp::detail {

struct VerbArg {
  std::string verb;      // upper-cased
  std::string_view arg;  // the rest, without leading and trailing blanks
};
VerbArg split_command(std::string_view line);

// "FROM:<a@b> SIZE=1" with keyword "FROM:" -> path "a@b", params {"SIZE=1"}. Accepts blanks
// after the colon (common in the wild) and drops a source route ("<@x,@y:a@b>" -> "a@b").
// nullopt when the syntax is wrong.
struct PathArg {
  std::string path;
  std::vector<std::string> params;
};
std::optional<PathArg> parse_path_arg(std::string_view arg, std::string_view keyword);

// "local@domain" with both parts non-empty.
bool is_mailbox(std::string_view path);
// The domain of an address, lower-cased ("" if it has none).
std::string domain_of(std::string_view address);

// True for octets no command line may contain: NUL and other controls except TAB.
bool has_control_octets(std::string_view line);
// Printable ASCII and valid UTF-8 are kept; every other octet becomes \xNN. JSON-safe.
std::string printable(std::string_view bytes);
// "AUTH PLAIN dXNlcg==" -> "AUTH PLAIN [redacted]"; other lines unchanged.
std::string redact(std::string_view line);

bool iequals(std::string_view a, std::string_view b);
bool icontains(std::string_view haystack, std::string_view needle);
std::string to_upper(std::string_view s);

}  // namespace stslab::smtp::detail
