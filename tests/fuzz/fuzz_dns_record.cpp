// fake-dns: a record in zone-file syntax, as a scenario's `dns:` list or a command adapter's
// `dns_records` output gives it, and the TXT character-string writer.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "stslab/dns/record.hpp"
#include "stslab/dns/zone.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = stslab::fuzz::as_text(data, size);
  try {
    auto rr = stslab::dns::parse_record(text, 5);
    if (ldns_rr_get_type(rr.get()) == LDNS_RR_TYPE_TXT) (void)stslab::dns::txt_joined(rr.get());
    stslab::dns::Zone zone;
    zone.add(text);
    (void)zone.list();
  } catch (const stslab::dns::RecordError&) {
  }
  // What the world applier writes for a scenario's TXT text must parse back as one record.
  (void)stslab::dns::parse_record("x.test. TXT " + stslab::dns::txt_rdata(text), 5);
  return 0;
}
