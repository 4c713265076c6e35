// Pure SMTP text helpers the proxy needs to read a session it sits in: command parsing, reply
// framing, the EHLO-reply rewrite and the end-of-DATA scanner. No I/O here, so all of it is
// unit-tested directly.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stslab::mitm {

// Where a client command was read: in the clear, or inside a TLS session the proxy terminated.
enum class Phase { plaintext, intercepted_tls };
std::string_view to_string(Phase p);  // "plaintext" | "intercepted-tls"

// One client command line (without CRLF).
struct Command {
  std::string line;      // as sent
  std::string verb;      // upper-cased first word: "EHLO", "MAIL", "STARTTLS", ...
  std::string argument;  // the rest after the first space, untouched
  Phase phase = Phase::plaintext;

  bool is(std::string_view v) const { return verb == v; }
  bool is_mail_from() const;  // MAIL FROM:
  bool is_rcpt_to() const;    // RCPT TO:
  bool is_hello() const { return verb == "EHLO" || verb == "HELO"; }
};

Command parse_command(std::string_view line, Phase phase = Phase::plaintext);

// The domain of a "RCPT TO:<user@domain> ..." argument, lower-cased; "" if there is none.
std::string recipient_domain(const Command& rcpt);

// BDAT <size> [LAST]: the chunk size, or nullopt when the argument is not a size.
std::optional<std::size_t> bdat_size(const Command& bdat);

// A complete (possibly multi-line) server reply, lines without CRLF.
struct Reply {
  std::vector<std::string> lines;

  int code() const;          // the first line's three digits, or 0 if it has none
  std::string text() const;  // the lines joined with CRLF, with a final CRLF
};

// True if `line` continues a multi-line reply ("250-..."); a line that does not look like a
// reply line at all ends the reply, so a garbage-sending upstream cannot stall the proxy.
bool is_continuation_line(std::string_view line);

// Removes every EHLO keyword line equal to `keyword` (case-insensitive, ignoring parameters and
// trailing blanks; the first line, the greeting, is never removed) and fixes the continuation
// markers so that every line but the last reads "ddd-" and the last "ddd ". Returns true if a
// line was removed. Replies that are not 250 are left alone.
bool strip_ehlo_keyword(Reply& reply, std::string_view keyword);

// True if the EHLO reply advertises `keyword` (case-insensitive).
bool ehlo_offers(const Reply& reply, std::string_view keyword);

// Finds the end of a DATA body ("CRLF . CRLF") across arbitrarily split chunks. The body starts
// at the beginning of a line, so a lone ".CRLF" right away also ends it.
class DataEndScanner {
 public:
  // Feeds `chunk`; returns the offset just past the terminator when it ends in this chunk.
  std::optional<std::size_t> feed(std::string_view chunk);
  bool done() const { return state_ == kDone; }

 private:
  // 0 mid-line, 1 saw CR, 2 at line start, 3 saw "." at line start, 4 saw ".CR", 5 done.
  static constexpr int kDone = 5;
  int state_ = 2;
};

}  // namespace stslab::mitm
