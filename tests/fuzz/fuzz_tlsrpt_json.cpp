// tlsrpt: a report's JSON text (RFC 8460 §4): the strict I-JSON reader (UTF-8, duplicate
// members) and, for an object, the report checks. Bad input may only throw InputError.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "stslab/tlsrpt/input_error.hpp"
#include "stslab/tlsrpt/strict_json.hpp"
#include "stslab/tlsrpt/summary.hpp"
#include "stslab/tlsrpt/validate.hpp"

using namespace stslab::tlsrpt;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = stslab::fuzz::as_text(data, size);
  (void)find_invalid_utf8(text);
  try {
    const nlohmann::json json = parse_strict_json(text);
    if (!json.is_object()) return 0;
    const Validated validated = validate_report(json);
    for (const auto& summary : summarize(validated.report))
      (void)format_rate(summary.success_basis_points);
  } catch (const InputError&) {
  }
  return 0;
}
