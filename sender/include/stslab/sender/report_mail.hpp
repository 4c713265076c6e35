// A mailed TLS-RPT report (RFC 8460 §5.3): multipart/report; report-type="tlsrpt" with a
// human-readable part and the gzip report as an attachment, the two TLS-Report-* header
// fields, the suggested Subject, and a DKIM signature over all of it.
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "stslab/sender/defects.hpp"

namespace stslab::sender {

class DkimKey;

struct ReportMail {
  std::string from;  // contact-info of the report
  std::string to;    // the rua address
  std::string submitter;
  std::string policy_domain;
  std::string report_id;
  std::string filename;  // RFC 8460 §5.1 (RPT-18)
  std::string gzip;      // the compressed report
  std::string summary;   // the readable first part (plain US-ASCII lines)
  std::time_t date = 0;
};

// The header fields DKIM signs (RPT-15 wants the TLS-Report-* ones among them). A name that is
// absent from the message signs its absence (RFC 6376 §5.4), which is harmless.
std::vector<std::string> report_signed_headers();

// The unsigned message, CRLF line ends. missing-report-headers leaves out the TLS-Report-*
// fields, gzip-labelled-json labels the attachment application/tlsrpt+json.
std::string build_report_mail(const ReportMail& mail, const DefectSet& defects);

// build_report_mail with a DKIM-Signature (d = the submitter, s = stslab) in front.
// dkim-signature-invalid adds a line to the body after signing (RPT-12).
std::string signed_report_mail(const ReportMail& mail, const DkimKey& key,
                               const DefectSet& defects);

// RFC 5322 §3.3 date-time in UTC: "Tue, 24 Nov 2026 00:10:00 +0000".
std::string rfc5322_date(std::time_t t);

}  // namespace stslab::sender
