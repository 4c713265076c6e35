// mitm: the TLS record sniffer over bytes it cannot decrypt, fed in pieces (a 0xFF 0xFE pair
// cuts the stream); the result must not depend on where the cuts fall.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_support.hpp"
#include "stslab/mitm/tls_sniffer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = stslab::fuzz::as_text(data, size);
  stslab::mitm::TlsRecordSniffer pieces, whole;
  std::string joined;
  std::size_t start = 0;
  for (;;) {
    const std::size_t cut = text.find("\xff\xfe", start);
    const auto piece = text.substr(start, cut == std::string_view::npos ? cut : cut - start);
    pieces.feed(piece);
    joined += piece;
    if (cut == std::string_view::npos) break;
    start = cut + 2;
  }
  whole.feed(joined);
  if (pieces.summary() != whole.summary()) std::abort();
  (void)whole.summary().dump();
  (void)stslab::mitm::tls_alert_name(size ? data[0] : 0);
  return 0;
}
