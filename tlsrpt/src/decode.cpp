#include "stslab/tlsrpt/decode.hpp"

#include "stslab/tlsrpt/gzip.hpp"
#include "stslab/tlsrpt/input_error.hpp"
#include "stslab/tlsrpt/input_file.hpp"

namespace stslab::tlsrpt {
namespace {

// The first character that is not JSON whitespace (RFC 8259 §2), after a UTF-8 BOM.
char first_significant(std::string_view bytes) {
  if (bytes.starts_with("\xef\xbb\xbf")) bytes.remove_prefix(3);
  const auto pos = bytes.find_first_not_of(" \t\r\n");
  return pos == std::string_view::npos ? '\0' : bytes[pos];
}

}  // namespace

std::string_view to_string(Container container) {
  switch (container) {
    case Container::json:
      return "json";
    case Container::gzip:
      return "gzip";
    case Container::mail:
      return "mail";
  }
  return "?";
}

Decoded decode(std::string_view bytes) {
  // The CLI caps what it reads (input_file.hpp); this caps what a lab receiver hands over.
  if (bytes.size() > kMaxInputBytes) {
    throw InputError(InputErrorKind::too_large,
                     std::to_string(bytes.size()) + " bytes, more than the " +
                         size_text(kMaxInputBytes) + " input cap; not read");
  }
  Decoded out;
  if (has_gzip_magic(bytes)) {
    out.container = Container::gzip;
    out.gzipped = true;
    out.json_text = gunzip(bytes);
    return out;
  }
  const char first = first_significant(bytes);
  // A JSON text is checked before the mail test: `{"organization-name":` would also pass for
  // a header field name followed by a colon.
  if (first != '{' && first != '[' && looks_like_mail(bytes)) {
    MailReport mail = extract_report_from_mail(bytes);
    out.container = Container::mail;
    // The attached bytes decide, whatever the part's media type says; the mismatch is a
    // finding (delivery_checks.cpp), not a reason to refuse the report.
    out.gzipped = has_gzip_magic(mail.attachment);
    out.json_text = out.gzipped ? gunzip(mail.attachment) : std::move(mail.attachment);
    out.mail = std::move(mail.facts);
    return out;
  }
  // Anything else is read as JSON; the strict parser names what is wrong with it.
  out.container = Container::json;
  out.json_text = std::string(bytes);
  return out;
}

}  // namespace stslab::tlsrpt
