#include "stslab/sender/defects.hpp"

#include <stdexcept>

namespace stslab::sender {

std::span<const DefectInfo> defect_table() {
  // Requirement IDs are those of /work/shared/requirements.md (Part 1 RFC 8461, Part 2
  // RFC 8460).
  static const std::vector<DefectInfo> table = {
      {Defect::no_cert_verify,
       "no-cert-verify",
       {"STS-CERT-02"},
       "MX certificate chain is not verified: self-signed or unknown-CA certificates pass"},
      {Defect::ignore_expiry,
       "ignore-expiry",
       {"STS-CERT-01"},
       "MX certificate validity dates are not checked"},
      {Defect::no_hostname_check,
       "no-hostname-check",
       {"STS-CERT-03", "STS-CERT-04"},
       "MX certificate is not matched against the MX host name"},
      {Defect::ignore_mx_match,
       "ignore-mx-match",
       {"STS-MX-01"},
       "MX host names are not checked against the policy's mx patterns"},
      {Defect::wildcard_any_depth,
       "wildcard-any-depth",
       {"STS-MX-03"},
       "an mx pattern '*.d' matches names any number of labels below d"},
      {Defect::follow_redirects,
       "follow-redirects",
       {"STS-FETCH-04"},
       "the policy fetch follows 3xx Location headers (up to 5)"},
      {Defect::accept_non_200,
       "accept-non-200",
       {"STS-FETCH-03"},
       "any 2xx status of the policy fetch yields a policy"},
      {Defect::ignore_content_type,
       "ignore-content-type",
       {"STS-FETCH-06"},
       "the policy's media type is not checked"},
      {Defect::fallback_plaintext_on_enforce,
       "fallback-plaintext-on-enforce",
       {"STS-APPLY-01", "STS-APPLY-02"},
       "under enforce, mail goes out in plaintext when STARTTLS is missing or fails"},
      {Defect::ignore_id_change,
       "ignore-id-change",
       {"STS-CACHE-02", "STS-CACHE-08"},
       "an unexpired cached policy is used even when the TXT id changed"},
      {Defect::drop_cache_on_missing_txt,
       "drop-cache-on-missing-txt",
       {"STS-CACHE-07", "STS-FETCH-10"},
       "a missing TXT record makes the sender forget its cached policy"},
      {Defect::multiple_txt_accepted,
       "multiple-txt-accepted",
       {"STS-DISC-03"},
       "with several v=STSv1 TXT records the first one is used"},
      {Defect::last_duplicate_key_wins,
       "last-duplicate-key-wins",
       {"STS-PARSE-02"},
       "for a repeated non-mx policy key the last occurrence wins"},
      {Defect::no_sni, "no-sni", {"STS-FETCH-11"}, "the policy fetch sends no TLS SNI"},
      {Defect::keep_injected_plaintext,
       "keep-injected-plaintext",
       {"STS-TLS-03"},
       "plaintext received after the STARTTLS 220 is kept and read as the first TLS replies"},
      {Defect::max_age_unbounded,
       "max-age-unbounded",
       {"STS-PARSE-06", "STS-CACHE-03"},
       "max_age is not capped at 31557600 s"},
      {Defect::fail_closed_on_fetch_error,
       "fail-closed-on-fetch-error",
       {"STS-FETCH-09"},
       "valid TXT, failed fetch, no cache: the message is deferred as if under enforce"},
      {Defect::cn_fallback,
       "cn-fallback",
       {"STS-CERT-03"},
       "an MX certificate without DNS SANs passes when its subject CN names the host"},
      {Defect::policy_cert_no_verify,
       "policy-cert-no-verify",
       {"STS-FETCH-02"},
       "the policy host's certificate is not verified at all"},
      {Defect::wrong_result_type,
       "wrong-result-type",
       {"RPT-30"},
       "a missing or refused STARTTLS is recorded and reported as validation-failure"},
      {Defect::no_report_in_testing,
       "no-report-in-testing",
       {"STS-RPT-03", "STS-RPT-01"},
       "failures under a testing policy are not recorded, so no report shows them"},
      {Defect::mx_host_as_string,
       "mx-host-as-string",
       {"RPT-26"},
       "the report's mx-host is one string (the RFC example, erratum 6241), not an array"},
      {Defect::policies_as_object,
       "policies-as-object",
       {"RPT-22"},
       "a report with one policy has \"policies\" as that object, not an array"},
      {Defect::missing_report_headers,
       "missing-report-headers",
       {"RPT-14", "RPT-15"},
       "mailed reports lack the TLS-Report-Domain and TLS-Report-Submitter header fields"},
      {Defect::gzip_labelled_json,
       "gzip-labelled-json",
       {"RPT-07", "RPT-17", "RPT-19"},
       "the gzip report is labelled application/tlsrpt+json (POST and mail part)"},
      {Defect::report_blocked_by_sts,
       "report-blocked-by-sts",
       {"RPT-10"},
       "MTA-STS is applied to the report mail itself, so a stripped report MX withholds it"},
      {Defect::dkim_signature_invalid,
       "dkim-signature-invalid",
       {"RPT-12"},
       "a line is added to the report mail's body after DKIM signing, so the body hash fails"},
  };
  return table;
}

const DefectInfo& defect_info(Defect d) {
  for (const auto& info : defect_table()) {
    if (info.defect == d) return info;
  }
  throw std::logic_error("defect missing from the table");
}

std::optional<Defect> parse_defect(std::string_view name) {
  for (const auto& info : defect_table()) {
    if (info.name == name) return info.defect;
  }
  return std::nullopt;
}

}  // namespace stslab::sender
