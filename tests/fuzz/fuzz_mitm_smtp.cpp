// mitm: the SMTP text the proxy reads from both sides. Every input line is read as a client
// command (verb, RCPT domain, BDAT size) and the lines together as a server reply (framing, the
// EHLO rewrite that strips STARTTLS); the whole input also runs through the end-of-DATA scanner
// in two pieces, which must find the same end as in one.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_support.hpp"
#include "stslab/mitm/smtp_text.hpp"

using namespace stslab::mitm;

namespace {

std::optional<std::size_t> scan(std::string_view in, std::size_t cut) {
  DataEndScanner scanner;
  if (auto end = scanner.feed(in.substr(0, cut))) return end;
  if (auto end = scanner.feed(in.substr(cut))) return *end + cut;
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = stslab::fuzz::as_text(data, size);
  Reply reply;
  for (auto& line : stslab::fuzz::split(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const Command command = parse_command(line, Phase::intercepted_tls);
    if (command.is_rcpt_to()) (void)recipient_domain(command);
    if (command.is("BDAT")) (void)bdat_size(command);
    (void)command.is_mail_from();
    (void)command.is_hello();
    (void)is_continuation_line(line);
    reply.lines.push_back(std::move(line));
  }
  (void)reply.code();
  (void)ehlo_offers(reply, "STARTTLS");
  Reply stripped = reply;
  if (strip_ehlo_keyword(stripped, "starttls")) {
    if (stripped.lines.size() >= reply.lines.size()) std::abort();
    for (std::size_t i = 0; i + 1 < stripped.lines.size(); ++i) {
      // Lines with no marker at all are left as they are; a marked one is a continuation.
      if (stripped.lines[i].size() >= 4 && stripped.lines[i][3] == ' ') std::abort();
    }
  }
  (void)stripped.text();
  const std::size_t cut = size ? data[0] % (size + 1) : 0;
  if (scan(text, text.size()) != scan(text, cut)) std::abort();
  return 0;
}
