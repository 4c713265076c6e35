// The checks that only a mailed report has (RFC 8460 §3, §5.3): header fields, Subject,
// DKIM-Signature and MIME structure.
#include <algorithm>
#include <regex>

#include "stslab/tlsrpt/delivery_checks.hpp"
#include "stslab/tlsrpt/names.hpp"

namespace stslab::tlsrpt {
namespace {

using Findings = std::vector<Finding>;

void check_structure(const MailFacts& mail, bool gzipped, Findings& findings) {
  // The report part was found, so a deviation here does not cost the report: `sloppy`.
  if (mail.top_media_type != "multipart/report" || lower(mail.report_type) != "tlsrpt") {
    findings.push_back(
        sloppy("RPT-17", Level::must, "mail:Content-Type",
               "top-level type is \"" + mail.top_media_type +
                   (mail.report_type.empty() ? "" : "; report-type=" + mail.report_type) +
                   "\", not multipart/report; report-type=\"tlsrpt\""));
  } else if (!mail.first_part_media_type.starts_with("text/")) {
    findings.push_back(sloppy(
        "RPT-17", Level::must, "mail:part 1",
        "the first part should be human-readable text, is \"" + mail.first_part_media_type + "\""));
  }
  if (mail.report_parts > 1) {
    findings.push_back(
        note("RPT-17", "mail:part " + mail.part_number,
             std::to_string(mail.report_parts) + " report parts; this one was read"));
  }
  const std::string where = "mail:part " + mail.part_number + " Content-Type";
  const bool labelled_gzip = mail.part_media_type == "application/tlsrpt+gzip";
  if (labelled_gzip != gzipped) {
    findings.push_back(invalid(
        "RPT-17", Level::must, where,
        "labelled " + mail.part_media_type + " but the content is " + (gzipped ? "gzip" : "JSON")));
  }
  if (!gzipped) {
    findings.push_back(sloppy("RPT-19", Level::should, "mail:part " + mail.part_number,
                              "the report is not gzip-compressed (RFC 8460 §5.2)"));
  }
}

void check_header_fields(const MailFacts& mail, const Report& report, Findings& findings) {
  if (!mail.report_domain) {
    findings.push_back(invalid("RPT-14", Level::must, "mail:TLS-Report-Domain",
                               "the TLS-Report-Domain header field is missing"));
  } else if (!is_ascii(*mail.report_domain)) {
    findings.push_back(invalid("RPT-27", Level::must, "mail:TLS-Report-Domain",
                               "\"" + *mail.report_domain + "\" is not an A-label"));
  } else {
    const std::string d = lower(*mail.report_domain);
    const bool known =
        std::any_of(report.policies.begin(), report.policies.end(),
                    [&](const PolicyResult& p) { return lower(p.policy.domain) == d; });
    if (!known && !report.policies.empty()) {
      findings.push_back(
          invalid("RPT-14", Level::must, "mail:TLS-Report-Domain",
                  "\"" + *mail.report_domain + "\" is not a policy-domain of the report"));
    }
  }
  if (!mail.report_submitter) {
    findings.push_back(invalid("RPT-14", Level::must, "mail:TLS-Report-Submitter",
                               "the TLS-Report-Submitter header field is missing"));
    return;
  }
  const std::string contact_domain = addr_spec_domain(report.contact_info);
  if (!contact_domain.empty() && lower(contact_domain) != lower(*mail.report_submitter)) {
    findings.push_back(invalid("RPT-14", Level::must, "mail:TLS-Report-Submitter",
                               "\"" + *mail.report_submitter +
                                   "\" is not the domain of contact-info (\"" + contact_domain +
                                   "\")"));
  }
}

// Folding whitespace becomes one space (RFC 5322 §2.2.3), so the pattern can be literal.
std::string unfold(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

void check_subject(const MailFacts& mail, Findings& findings) {
  if (!mail.subject) {
    findings.push_back(sloppy("RPT-16", Level::should, "mail:Subject", "no Subject"));
    return;
  }
  // RFC 8460 §5.3: "Report Domain: <d> Submitter: <d> Report-ID: <id-left@id-right>".
  static const std::regex pattern(
      R"(^Report Domain: *(\S+) +Submitter: *(\S+) +Report-ID: *<?([^\s<>@]+@[^\s<>@]+)>?$)",
      std::regex::icase);
  const std::string subject = unfold(*mail.subject);
  std::smatch m;
  if (!std::regex_match(subject, m, pattern)) {
    findings.push_back(sloppy("RPT-16", Level::should, "mail:Subject",
                              "\"" + subject +
                                  "\" does not follow \"Report Domain: <d> Submitter: <d> "
                                  "Report-ID: <id@host>\""));
    return;
  }
  if (mail.report_domain && lower(m[1].str()) != lower(*mail.report_domain)) {
    findings.push_back(sloppy("RPT-16", Level::should, "mail:Subject",
                              "Subject domain \"" + m[1].str() + "\" is not TLS-Report-Domain"));
  }
  if (mail.report_submitter && lower(m[2].str()) != lower(*mail.report_submitter)) {
    findings.push_back(
        sloppy("RPT-16", Level::should, "mail:Subject",
               "Subject submitter \"" + m[2].str() + "\" is not TLS-Report-Submitter"));
  }
}

bool covers(const DkimSignature& sig, const char* header) {
  return std::find(sig.signed_headers.begin(), sig.signed_headers.end(), header) !=
         sig.signed_headers.end();
}

std::string signer(const DkimResult& r) {
  return "d=" + r.domain + ", s=" + r.selector;
}

// RPT-12: a valid signature is required, and the lab can tell only where it knows the key. A
// signature that could not be checked (no key, or no lookup at all) is a note, never a pass or
// a failure; one that was checked against a published key and failed is invalid, unless another
// signature verifies.
void check_dkim_verification(const MailFacts& mail, Findings& findings) {
  const std::string where = "mail:DKIM-Signature";
  if (!mail.dkim_results) {
    std::string domains;
    for (const auto& sig : mail.dkim)
      domains += (domains.empty() ? "d=" : ", d=") + sig.domain;
    findings.push_back(
        note("RPT-12", where,
             "DKIM-Signature present (" + domains + "), not verified: " +
                 (mail.dkim_error.empty() ? "no DKIM key lookup was given (a report read offline)"
                                          : mail.dkim_error)));
    return;
  }
  const auto& results = *mail.dkim_results;
  if (results.empty()) {
    findings.push_back(note("RPT-12", where, "not verified: OpenDKIM found no signature to check"));
    return;
  }
  const bool any_verified = std::any_of(results.begin(), results.end(), [](const DkimResult& r) {
    return r.status == DkimStatus::verified;
  });
  for (const auto& r : results) {
    const std::string key = r.selector + "._domainkey." + r.domain;
    switch (r.status) {
      case DkimStatus::verified:
        findings.push_back(note("RPT-12", where, "DKIM signature verified (" + signer(r) + ")"));
        if (!r.key_for_tlsrpt) {
          // RFC 8460 §3: the key record SHOULD carry the service type s=tlsrpt.
          findings.push_back(
              note("RPT-12", where, "the key record " + key + " has no s=tlsrpt service type"));
        }
        break;
      case DkimStatus::no_key:
        findings.push_back(note("RPT-12", where,
                                "DKIM signature (" + signer(r) + ") not verified: no key record " +
                                    key + " (" + r.detail + ")"));
        break;
      default:
        if (any_verified) {
          findings.push_back(
              note("RPT-12", where,
                   "another DKIM signature (" + signer(r) + ") does not verify: " + r.detail));
        } else {
          findings.push_back(invalid("RPT-12", Level::must, where,
                                     "the DKIM signature (" + signer(r) +
                                         ") does not verify against the published key " + key +
                                         ": " + r.detail));
        }
        break;
    }
  }
}

void check_dkim(const MailFacts& mail, Findings& findings) {
  if (mail.dkim.empty()) {
    // RFC 8460 §3: a mailed report MUST carry a valid DKIM signature.
    findings.push_back(invalid("RPT-12", Level::must, "mail:DKIM-Signature",
                               "the report mail has no DKIM-Signature"));
    return;
  }
  check_dkim_verification(mail, findings);
  if (std::any_of(mail.dkim.begin(), mail.dkim.end(),
                  [](const DkimSignature& s) { return s.has_body_length; })) {
    findings.push_back(invalid("RPT-13", Level::must, "mail:DKIM-Signature",
                               "the DKIM-Signature uses the l= body length tag"));
  }
  if (std::none_of(mail.dkim.begin(), mail.dkim.end(), [](const DkimSignature& s) {
        return covers(s, "tls-report-domain") && covers(s, "tls-report-submitter");
      })) {
    findings.push_back(sloppy("RPT-15", Level::should, "mail:DKIM-Signature",
                              "h= does not cover both TLS-Report-Domain and TLS-Report-Submitter"));
  }
}

}  // namespace

std::vector<Finding> check_mail(const MailFacts& mail, bool gzipped, const Report& report) {
  Findings findings;
  check_structure(mail, gzipped, findings);
  if (mail.part_filename.empty()) {
    findings.push_back(
        sloppy("RPT-18", Level::should, "mail:filename", "the report part has no filename"));
  } else {
    auto more = check_filename(mail.part_filename, gzipped, report, "mail:filename");
    findings.insert(findings.end(), more.begin(), more.end());
  }
  check_header_fields(mail, report, findings);
  check_subject(mail, findings);
  check_dkim(mail, findings);
  return findings;
}

}  // namespace stslab::tlsrpt
