// tlsrpt: an application/tlsrpt+gzip body (RFC 1952, members may be concatenated) inflated with
// the output cap that stops gzip bombs; what inflates must survive a round trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "fuzz_support.hpp"
#include "stslab/tlsrpt/gzip.hpp"
#include "stslab/tlsrpt/input_error.hpp"

using namespace stslab::tlsrpt;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = stslab::fuzz::as_text(data, size);
  (void)has_gzip_magic(bytes);
  try {
    const std::string inflated = gunzip(bytes, 1 << 20);
    if (inflated.size() > (1 << 20)) std::abort();
    if (gunzip(gzip(inflated)) != inflated) std::abort();
  } catch (const InputError&) {
  }
  return 0;
}
