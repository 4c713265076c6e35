// fake-smtp: the DATA decoder (dot-stuffing, CRLF.CRLF) over a message split anywhere. Input:
// one byte for where the first cut falls, then the octets; decoding whole and decoding in two
// pieces must give the same message, size and rest.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_support.hpp"
#include "stslab/smtp/data_decoder.hpp"

namespace {

struct Decoded {
  std::string message;
  std::uint64_t size = 0;
  std::size_t used = 0;
  bool done = false;
};

Decoded decode(std::string_view in, std::size_t cut, std::uint64_t cap) {
  stslab::smtp::DataDecoder decoder;
  Decoded d;
  d.used = decoder.feed(in.substr(0, cut), d.message, cap);
  if (!decoder.done()) d.used += decoder.feed(in.substr(cut), d.message, cap);
  d.size = decoder.size();
  d.done = decoder.done();
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto in = stslab::fuzz::as_text(data + 1, size - 1);
  const std::size_t cut = in.empty() ? 0 : data[0] % (in.size() + 1);
  const Decoded whole = decode(in, in.size(), 64);
  const Decoded pieces = decode(in, cut, 64);
  if (whole.message != pieces.message || whole.size != pieces.size || whole.used != pieces.used ||
      whole.done != pieces.done || whole.message.size() > 64 || whole.used > in.size()) {
    std::abort();
  }
  return 0;
}
