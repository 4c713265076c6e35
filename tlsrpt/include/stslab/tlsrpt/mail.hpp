// A mailed report (RFC 8460 §5.3): a whole RFC 5322 message, parsed with GMime 3, reduced to
// the facts the validators need and the attachment's decoded bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stslab/tlsrpt/dkim.hpp"
#include "stslab/tlsrpt/dkim_verify.hpp"

namespace stslab::tlsrpt {

struct MailFacts {
  // The top-level Content-Type, e.g. "multipart/report", and its report-type parameter.
  std::string top_media_type;
  std::string report_type;
  // The first part of the multipart/report, which RFC 8460 §5.3 wants human-readable.
  std::string first_part_media_type;
  // The report part: its media type, Content-Transfer-Encoding, filename (Content-Disposition
  // or Content-Type name=) and where it sits (e.g. "2", "1.2" as in IMAP part numbers).
  std::string part_media_type;
  std::string part_encoding;
  std::string part_filename;
  std::string part_number;
  bool part_inside_tlsrpt_report = false;  // inside multipart/report; report-type="tlsrpt"
  int report_parts = 0;                    // how many tlsrpt parts the mail has
  // Headers, unfolded; nullopt when absent.
  std::optional<std::string> report_domain;     // TLS-Report-Domain
  std::optional<std::string> report_submitter;  // TLS-Report-Submitter
  std::optional<std::string> subject;
  std::vector<DkimSignature> dkim;  // one per DKIM-Signature header
  // What verifying the signatures gave (analyze() with a DKIM key lookup, RPT-12); nullopt when
  // they were not verified (no lookup: a file on disk, say).
  std::optional<std::vector<DkimResult>> dkim_results;
  std::string dkim_error;  // why verifying could not even start ("" if it did or was not asked)
};

struct MailReport {
  MailFacts facts;
  std::string attachment;  // the report part after base64 / quoted-printable decoding
};

// True if the bytes look like the start of a header section (a field name and a colon).
bool looks_like_mail(std::string_view bytes);

// Finds the TLS-RPT part of a mail. Throws InputError not_a_mail or no_report_part.
MailReport extract_report_from_mail(std::string_view raw);

}  // namespace stslab::tlsrpt
