// fake-https: the server_name extension of a ClientHello (RFC 6066 §3), which picks the
// certificate before any HTTP is read, and the Host header normaliser on the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "fuzz_support.hpp"
#include "stslab/https/names.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto name = stslab::https::parse_sni_extension(std::span<const unsigned char>(data, size));
  if (name) {
    // What the selector looks up is lower case.
    for (char c : *name) {
      if (c >= 'A' && c <= 'Z') std::abort();
    }
    (void)stslab::https::printable(*name);
  }
  (void)stslab::https::normalize_host(stslab::fuzz::as_text(data, size));
  return 0;
}
