// sender: what a receiving MX (or an attacker in front of it) sends back: replies taken off the
// buffer one by one as the sender reads them, EHLO keywords, the STARTTLS-injection guard; and
// the message the sender writes as DATA.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_support.hpp"
#include "stslab/sender/smtp_reply.hpp"

using namespace stslab::sender;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = stslab::fuzz::as_text(data, size);
  std::string buffer(text);
  for (;;) {
    const std::size_t before = buffer.size();
    SmtpReply reply;
    const ReplyStatus status = take_reply(buffer, reply);
    if (status != ReplyStatus::complete) {
      if (status == ReplyStatus::incomplete && buffer.size() != before) std::abort();
      break;
    }
    if (buffer.size() >= before) std::abort();  // a complete reply consumes input
    if (reply.code < 0 || reply.code > 999) std::abort();
    (void)reply.summary();
    (void)ehlo_offers(reply, "STARTTLS");
  }
  std::string pending(text);
  forget_plaintext_after_starttls(pending, {});
  if (!pending.empty()) std::abort();
  const std::string payload = data_payload(text);
  if (payload.size() < 3 || payload.compare(payload.size() - 3, 3, ".\r\n") != 0) std::abort();
  return 0;
}
