#include "stslab/sender/report_mail.hpp"

#include "stslab/sender/dkim.hpp"
#include "stslab/sender/encoding.hpp"

namespace stslab::sender {

std::vector<std::string> report_signed_headers() {
  return {"From",
          "To",
          "Subject",
          "Date",
          "Message-ID",
          "TLS-Report-Domain",
          "TLS-Report-Submitter",
          "MIME-Version",
          "Content-Type"};
}

std::string rfc5322_date(std::time_t t) {
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm tm{};
  gmtime_r(&t, &tm);
  // Names spelled out here: strftime's %a/%b follow the locale, RFC 5322 wants English.
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string build_report_mail(const ReportMail& m, const DefectSet& defects) {
  // The boundary cannot occur in base64 or in our summary text ('=' and '_' together).
  const std::string boundary = "=_tlsrpt_" + m.report_id.substr(0, m.report_id.find('@'));
  const std::string media_type = defects.has(Defect::gzip_labelled_json)
                                     ? "application/tlsrpt+json"
                                     : "application/tlsrpt+gzip";
  std::string out;
  out += "From: <" + m.from + ">\r\n";
  out += "To: <" + m.to + ">\r\n";
  // RFC 8460 §5.3 (RPT-16): the suggested Subject.
  out += "Subject: Report Domain: " + m.policy_domain + " Submitter: " + m.submitter +
         " Report-ID: <" + m.report_id + ">\r\n";
  out += "Date: " + rfc5322_date(m.date) + "\r\n";
  out += "Message-ID: <" + m.report_id + ">\r\n";
  if (!defects.has(Defect::missing_report_headers)) {
    // RFC 8460 §5.3 (RPT-14): both are MUSTs; the submitter is contact-info's domain.
    out += "TLS-Report-Domain: " + m.policy_domain + "\r\n";
    out += "TLS-Report-Submitter: " + m.submitter + "\r\n";
  }
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: multipart/report; report-type=\"tlsrpt\";\r\n\tboundary=\"" + boundary +
         "\"\r\n";
  out += "\r\n";
  out += "This is a multipart message in MIME format.\r\n";
  out += "\r\n--" + boundary + "\r\n";
  out += "Content-Type: text/plain; charset=us-ascii\r\n";
  out += "Content-Transfer-Encoding: 7bit\r\n\r\n";
  out += m.summary;
  out += "\r\n--" + boundary + "\r\n";
  out += "Content-Type: " + media_type + "; name=\"" + m.filename + "\"\r\n";
  out += "Content-Transfer-Encoding: base64\r\n";
  // RFC 8460 §5.1 (RPT-18): the file name carries submitter, domain and the time range.
  out += "Content-Disposition: attachment; filename=\"" + m.filename + "\"\r\n\r\n";
  out += base64_lines(m.gzip);
  out += "\r\n--" + boundary + "--\r\n";
  return out;
}

std::string signed_report_mail(const ReportMail& mail, const DkimKey& key,
                               const DefectSet& defects) {
  const std::string message = build_report_mail(mail, defects);
  DkimRequest request;
  request.domain = mail.submitter;
  request.signed_headers = report_signed_headers();
  request.timestamp = mail.date;
  const std::string signature = dkim_signature_field(message, key, request);
  if (defects.has(Defect::dkim_signature_invalid)) {
    // As a disclaimer added on the way out would: after the closing boundary (the MIME epilogue,
    // so the report still reads), but inside the signed body.
    return signature + message + "Sent by stslab-sender.\r\n";
  }
  return signature + message;
}

}  // namespace stslab::sender
