// The TLS-RPT result types of RFC 8460 §4.3, as the IANA "STARTTLS Validation Result Types"
// registry (§6.6) lists them: the one list that scenario files and report validation check
// against.
#pragma once

#include <algorithm>
#include <array>
#include <string_view>

namespace stslab::core {

inline constexpr std::array<std::string_view, 11> kTlsRptResultTypes = {
    "starttls-not-supported", "certificate-host-mismatch",
    "certificate-expired",    "certificate-not-trusted",
    "validation-failure",     "tlsa-invalid",
    "dnssec-invalid",         "dane-required",
    "sts-policy-fetch-error", "sts-policy-invalid",
    "sts-webpki-invalid"};

inline bool is_tlsrpt_result_type(std::string_view type) {
  return std::find(kTlsRptResultTypes.begin(), kTlsRptResultTypes.end(), type) !=
         kTlsRptResultTypes.end();
}

}  // namespace stslab::core
