#include "stslab/tlsrpt/analyze.hpp"

#include "stslab/tlsrpt/delivery_checks.hpp"
#include "stslab/tlsrpt/dkim_verify.hpp"
#include "stslab/tlsrpt/strict_json.hpp"
#include "stslab/tlsrpt/validate.hpp"

namespace stslab::tlsrpt {

Analysis analyze(std::string_view bytes, const TransportFacts& transport) {
  Analysis out;
  try {
    out.decoded = decode(bytes);
    const nlohmann::json json = parse_strict_json(out.decoded.json_text);
    if (!json.is_object()) {
      throw InputError(InputErrorKind::not_an_object,
                       std::string("not a report: the JSON text is ") + json.type_name() +
                           ", not an object (RFC 8460 §4.4)");
    }
    Validated validated = validate_report(json);
    out.report = std::move(validated.report);
    out.findings = std::move(validated.findings);
  } catch (const InputError& e) {
    out.error = e;
    return out;
  }
  if (out.decoded.json_text.starts_with("\xef\xbb\xbf")) {
    // RFC 8259 §8.1: a JSON text sent over a network must not start with a byte order mark.
    out.findings.push_back(sloppy("RPT-20", Level::must, "", "the JSON text starts with a BOM"));
  }
  if (out.decoded.mail && transport.dkim_key_lookup) {
    // RPT-12: verify the signatures against the keys the caller knows (the lab's zone).
    try {
      out.decoded.mail->dkim_results =
          verify_dkim(bytes, {.lookup = transport.dkim_key_lookup,
                              .signer_clock_ahead = transport.signer_clock_ahead});
    } catch (const std::exception& e) {
      out.decoded.mail->dkim_error = e.what();
    }
  }
  auto delivery = check_delivery(transport, out.decoded, out.report);
  out.findings.insert(out.findings.end(), delivery.begin(), delivery.end());
  out.summary = summarize(out.report);
  for (const auto& s : out.summary) {
    if (!s.sums_capped) continue;
    out.findings.push_back(invalid("RPT-28", Level::must, "/policies",
                                   "the session counts of \"" + s.policy_domain +
                                       "\" add up beyond 2^63-1; the sums shown stop there"));
  }
  return out;
}

nlohmann::json to_json(const Finding& f) {
  return {{"id", f.id},
          {"level", to_string(f.level)},
          {"severity", to_string(f.severity)},
          {"where", f.where},
          {"message", f.message}};
}

nlohmann::json to_json(const DomainSummary& s) {
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& f : s.failures) {
    failures.push_back({{"result-type", f.result_type},
                        {"receiving-mx-hostname", f.receiving_mx_hostname},
                        {"sessions", f.sessions}});
  }
  nlohmann::json rate = nullptr;
  if (s.success_basis_points) rate = format_rate(s.success_basis_points);
  return {{"policy-domain", s.policy_domain},
          {"policy-types", s.policy_types},
          {"successful-sessions", s.successful_sessions},
          {"failed-sessions", s.failed_sessions},
          {"success-rate", rate},
          {"failures", failures},
          {"failures-by-result-type", s.failures_by_result_type},
          {"failures-by-mx", s.failures_by_mx}};
}

nlohmann::json to_json(const Analysis& a) {
  if (a.error) {
    return {{"status", "error"},
            {"error", {{"kind", to_string(a.error->kind())}, {"message", a.error->what()}}}};
  }
  nlohmann::json domains = nlohmann::json::array();
  for (const auto& s : a.summary)
    domains.push_back(to_json(s));
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : a.findings)
    findings.push_back(to_json(f));
  return {{"status", "ok"},
          {"container", to_string(a.decoded.container)},
          {"gzipped", a.decoded.gzipped},
          {"report",
           {{"organization-name", a.report.organization_name},
            {"contact-info", a.report.contact_info},
            {"report-id", a.report.report_id},
            {"start-datetime", a.report.start_datetime},
            {"end-datetime", a.report.end_datetime}}},
          {"domains", domains},
          {"findings", findings}};
}

}  // namespace stslab::tlsrpt
