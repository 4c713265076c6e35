// Handing a message to an MTA over SMTP (`submit: {smtp: "host:port"}` in a manifest): what a
// mail client does, with no program started per message. For Postfix this skips sendmail and
// postdrop (two program starts, and the nsenter in front of them) per submission.
#pragma once

#include <chrono>
#include <string>

namespace stslab::harness::adapters {

struct SmtpSubmission {
  std::string host_port;  // "127.0.0.1:25" (IPv4 literal)
  std::string helo;       // the name given in EHLO
  std::string from;       // envelope sender ("" = the null sender)
  std::string to;         // envelope recipient
  std::string message;    // RFC 5322 text; bare LF line ends become CRLF, lines are dot-stuffed
};

// Delivers one message in one SMTP session (EHLO, MAIL, RCPT, DATA, QUIT). Throws
// std::runtime_error naming the step and quoting the server's reply if the server refuses, or
// saying what happened if the connection fails or the deadline passes.
void smtp_submit(const SmtpSubmission& s, std::chrono::steady_clock::time_point deadline);

}  // namespace stslab::harness::adapters
