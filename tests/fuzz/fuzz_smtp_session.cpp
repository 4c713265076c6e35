// fake-smtp: a whole client dialogue fed to the ESMTP state machine in pieces, as a peer's
// segments arrive: command lines, DATA (dot-stuffing, the end marker), BDAT chunks, STARTTLS
// (then the dialogue restarts inside "TLS"). Input: one byte of vhost options, then the bytes;
// a 0xFF byte cuts the stream into another segment.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <variant>

#include "fuzz_support.hpp"
#include "stslab/smtp/protocol.hpp"

namespace {

std::shared_ptr<const stslab::smtp::Vhost> make_vhost(std::uint8_t options) {
  stslab::smtp::Vhost vhost;
  vhost.name = "mx1.a.test";
  vhost.caps.chunking = options & 1;
  vhost.caps.smtputf8 = options & 2;
  vhost.caps.enhanced_status_codes = options & 4;
  if (options & 8) vhost.caps.size.reset();
  vhost.limits.max_message_size = 4096;  // small, so the size cap is reached
  vhost.limits.max_line_length = (options & 16) ? 64 : 1000;
  if (options & 32) {
    vhost.replies.push_back({.stage = stslab::smtp::Stage::rcpt,
                             .code = 451,
                             .text = "4.7.1 later\nsecond line",
                             .match = "@b.test"});
    vhost.replies.push_back({.stage = stslab::smtp::Stage::end_of_data,
                             .code = 554,
                             .text = "5.7.1 no",
                             .match = "TO:<x@"});
  }
  if (options & 64) vhost.replies.push_back({.stage = stslab::smtp::Stage::mail, .code = 421});
  return std::make_shared<const stslab::smtp::Vhost>(std::move(vhost));
}

bool has(const stslab::smtp::Outputs& out, auto probe) {
  for (const auto& o : out) {
    if (std::holds_alternative<decltype(probe)>(o)) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  stslab::smtp::SmtpProtocol protocol(make_vhost(data[0]), 1, (data[0] & 128) == 0);
  (void)protocol.greet();
  for (const auto& segment :
       stslab::fuzz::split(stslab::fuzz::as_text(data + 1, size - 1), '\xff')) {
    if (protocol.state() == stslab::smtp::State::closed) break;
    const auto out = protocol.feed(segment);
    for (const auto& o : out) {
      if (const auto* reply = std::get_if<stslab::smtp::Reply>(&o)) (void)reply->wire();
    }
    if (has(out, stslab::smtp::StartTls{})) protocol.tls_started();
  }
  if (protocol.state() != stslab::smtp::State::closed) (void)protocol.idle_timeout();
  return 0;
}
