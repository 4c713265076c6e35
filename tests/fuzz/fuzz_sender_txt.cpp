// sender: the TXT records a policy domain publishes, one per input line (already joined from
// their strings): `_mta-sts` (RFC 8461 §3.1) and `_smtp._tls` (RFC 8460 §3) selection and
// parsing, with and without the defect that accepts several records.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "fuzz_support.hpp"
#include "stslab/sender/tlsrpt_record.hpp"
#include "stslab/sender/txt_record.hpp"

using namespace stslab::sender;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto records = stslab::fuzz::split(stslab::fuzz::as_text(data, size), '\n');
  for (const auto& record : records) {
    std::string why;
    const auto parsed = parse_sts_txt(record, &why);
    if (parsed && (parsed->id.empty() || parsed->id.size() > 32)) std::abort();  // §3.1: 1*32
    (void)percent_decode(record);
  }
  (void)select_sts_record(records, {});
  (void)select_sts_record(records, {Defect::multiple_txt_accepted});
  const TlsrptSelection rpt = select_tlsrpt_record(records);
  if (rpt.kind == TlsrptSelection::Kind::valid && rpt.rua.empty()) std::abort();
  return 0;
}
