// tlsrpt: a received report as `stslab tlsrpt summarize` and the lab's report collector read it:
// the content decides the layers (gzip, a mail, JSON), then strict I-JSON, RFC 8460 validation,
// delivery checks and the summary, over HTTPS with its declared type and from a file. analyze()
// promises never to throw for bad input.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "stslab/tlsrpt/analyze.hpp"

using namespace stslab::tlsrpt;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = stslab::fuzz::as_text(data, size);
  TransportFacts https;
  https.transport = Transport::https;
  https.content_type = "application/tlsrpt+gzip";
  for (const TransportFacts& facts : {TransportFacts{}, https}) {
    const Analysis analysis = analyze(bytes, facts);
    (void)to_json(analysis).dump();
  }
  return 0;
}
