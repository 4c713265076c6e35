// harness: what a sender prints about its messages: a one-shot submit's stdout and stderr with
// its exit status, a command adapter's `status` lines, and Postfix's `postqueue -j`. Input: the
// exit status byte, then stdout, a NUL, stderr. Bad output may only throw std::runtime_error.
#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "fuzz_support.hpp"
#include "stslab/harness/adapters/command_status.hpp"
#include "stslab/harness/adapters/postqueue.hpp"

using namespace stslab::harness::adapters;

namespace {

void use(const DeliveryReport& report) {
  const auto data = delivery_event_data(report, report.recipient, report.id);
  (void)relay_host(data);
  (void)delivery_status(report.state);
  stslab::fuzz::journal_round_trip(stslab::core::Source::mta, "mta.delivery", data);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto text = stslab::fuzz::as_text(data + 1, size - 1);
  stslab::core::ProcessResult result;
  result.exit_code = data[0] == 255 ? -1 : data[0];
  result.timed_out = data[0] == 254;
  const auto nul = text.find('\0');
  result.out = text.substr(0, nul);
  if (nul != std::string_view::npos) result.err = text.substr(nul + 1);
  use(parse_oneshot_result(result));
  try {
    for (const auto& report : parse_status_lines(text))
      use(report);
  } catch (const std::runtime_error&) {
  }
  try {
    (void)parse_postqueue_json(text);
  } catch (const std::runtime_error&) {
  }
  return 0;
}
