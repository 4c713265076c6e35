// SMTP replies and message text on the client side, as pure functions over byte buffers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "stslab/sender/defects.hpp"

namespace stslab::sender {

struct SmtpReply {
  int code = 0;
  std::vector<std::string> lines;  // the text of each line, after "250-" / "250 "

  // "250 first line" (for details and reasons).
  std::string summary() const;
  int kind() const { return code / 100; }  // 2, 3, 4, 5
};

enum class ReplyStatus { complete, incomplete, malformed };

// Takes one complete reply off the front of `buffer` (lines end in CRLF; a bare LF is
// tolerated). `incomplete` leaves the buffer alone; `malformed` means the peer does not speak
// SMTP (no 3-digit code, mixed codes, or an endless reply).
ReplyStatus take_reply(std::string& buffer, SmtpReply& out);

// True if an EHLO reply advertises `keyword` (case-insensitive, first word of a line).
bool ehlo_offers(const SmtpReply& ehlo, std::string_view keyword);

// RFC 3207 §4.2 (STARTTLS command injection): bytes that arrived after the 220 reply to
// STARTTLS were sent before TLS, by anyone; the client must discard them. With the
// keep-injected-plaintext defect they stay and are read as the first replies inside TLS.
void forget_plaintext_after_starttls(std::string& pending, const DefectSet& defects);

// The message as DATA content: line ends made CRLF, lines starting with '.' doubled
// (RFC 5321 §4.5.2), a final CRLF ensured, then the ".\r\n" terminator.
std::string data_payload(std::string_view message);

}  // namespace stslab::sender
