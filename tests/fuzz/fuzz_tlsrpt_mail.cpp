// tlsrpt: a mailed report (RFC 8460 §5.3), a whole RFC 5322 message: the MIME structure (GMime),
// the report part and its transfer encoding, the report headers and DKIM-Signature fields.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "stslab/tlsrpt/dkim_verify.hpp"
#include "stslab/tlsrpt/input_error.hpp"
#include "stslab/tlsrpt/mail.hpp"

using namespace stslab::tlsrpt;

namespace {
constexpr std::string_view kKey =
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCuPF6WRPjRXG7tAOqdGo2uVAOE0456WeEq+lHsB/wB8QSMbJYuFrN7a"
    "ozix+PcXRBnPJGIo1dzTko9pWnqPGnRk1oh7LpLCuPV8qblbG9n5QIJG9gX7KdDTHenwDG8p+VVqDWOqRXTsXLb1TVWfR"
    "Qug+apZNo/80zNC4wrzDLLqQIDAQAB";
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = stslab::fuzz::as_text(data, size);
  (void)looks_like_mail(bytes);
  try {
    const MailReport mail = extract_report_from_mail(bytes);
    if (!mail.facts.dkim.empty()) {
      // The signatures against a published key record (a 1024-bit RSA key: enough to get past
      // the key checks), as the lab verifies them with its own zone.
      (void)verify_dkim(bytes,
                        {.lookup = [](const std::string& name) -> std::optional<std::string> {
                          if (name.starts_with("none.")) return std::nullopt;
                          return "v=DKIM1; k=rsa; s=tlsrpt; p=" + std::string(kKey);
                        }});
    }
  } catch (const InputError&) {
  }
  return 0;
}
