// Mailed reports (RFC 8460 §5.3): GMime does the MIME work (boundaries, transfer encodings,
// RFC 2047 words, folded headers); this file only looks for the report part and writes down
// what the checks in delivery_checks.cpp need.
#include "stslab/tlsrpt/mail.hpp"

#include <gmime/gmime.h>

#include <mutex>

#include "gobject_ptr.hpp"
#include "stslab/tlsrpt/input_error.hpp"
#include "stslab/tlsrpt/names.hpp"
#include "stslab/tlsrpt/strict_json.hpp"

namespace stslab::tlsrpt {
namespace {

using detail::GCharPtr;
using detail::GObjectPtr;

void init_gmime() {
  // g_mime_init is not reentrant; GMime stays initialised for the life of the process.
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

// Every text taken from the mail goes through here: raw 8-bit header bytes are not UTF-8, and
// findings quote these texts in JSON (dump() would throw on them).
std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const auto last = s.find_last_not_of(" \t\r\n");
  return to_valid_utf8(s.substr(first, last - first + 1));
}

std::string media_type(GMimeObject* object) {
  GMimeContentType* type = g_mime_object_get_content_type(object);
  if (!type) return "";
  const GCharPtr mime(g_mime_content_type_get_mime_type(type));
  return mime ? trim(lower(mime.get())) : "";
}

bool is_report_media_type(const std::string& type) {
  return type == "application/tlsrpt+json" || type == "application/tlsrpt+gzip";
}

std::optional<std::string> header(GMimeObject* object, const char* name) {
  const char* value = g_mime_object_get_header(object, name);
  if (!value) return std::nullopt;
  return trim(value);
}

std::string part_content(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);  // borrowed
  if (!content) return "";
  const GObjectPtr<GMimeStream> out(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(content, out.get());  // undoes base64 / QP
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

struct Search {
  GMimePart* found = nullptr;
  MailReport result;
};

void note_report_part(GMimeObject* object, const std::string& number, bool inside_report,
                      Search& search) {
  ++search.result.facts.report_parts;
  // A tlsrpt part inside multipart/report; report-type=tlsrpt beats one found elsewhere.
  if (search.found && (search.result.facts.part_inside_tlsrpt_report || !inside_report)) return;
  auto* part = GMIME_PART(object);
  search.found = part;
  MailFacts& facts = search.result.facts;
  facts.part_media_type = media_type(object);
  facts.part_number = number;
  facts.part_inside_tlsrpt_report = inside_report;
  const char* encoding = g_mime_content_encoding_to_string(g_mime_part_get_content_encoding(part));
  facts.part_encoding = encoding ? encoding : "";
  const char* filename = g_mime_part_get_filename(part);  // disposition, else type name=
  facts.part_filename = filename ? to_valid_utf8(filename) : "";
}

void visit(GMimeObject* object, const std::string& number, bool inside_report, Search& search) {
  if (GMIME_IS_MULTIPART(object)) {
    auto* multipart = GMIME_MULTIPART(object);
    GMimeContentType* type = g_mime_object_get_content_type(object);
    const char* report_type =
        type ? g_mime_content_type_get_parameter(type, "report-type") : nullptr;
    const bool tlsrpt_report =
        media_type(object) == "multipart/report" && report_type && lower(report_type) == "tlsrpt";
    const int count = g_mime_multipart_get_count(multipart);
    for (int i = 0; i < count; ++i) {
      const std::string child = (number.empty() ? "" : number + ".") + std::to_string(i + 1);
      visit(g_mime_multipart_get_part(multipart, i), child, tlsrpt_report, search);
    }
    return;
  }
  if (GMIME_IS_PART(object) && is_report_media_type(media_type(object))) {
    note_report_part(object, number.empty() ? "1" : number, inside_report, search);
  }
}

void read_headers(GMimeMessage* message, MailFacts& facts) {
  auto* object = GMIME_OBJECT(message);
  facts.report_domain = header(object, "TLS-Report-Domain");
  facts.report_submitter = header(object, "TLS-Report-Submitter");
  if (const char* subject = g_mime_message_get_subject(message)) facts.subject = trim(subject);
  GMimeHeaderList* headers = g_mime_object_get_header_list(object);
  const int count = g_mime_header_list_get_count(headers);
  for (int i = 0; i < count; ++i) {
    GMimeHeader* h = g_mime_header_list_get_header_at(headers, i);
    if (lower(g_mime_header_get_name(h)) != "dkim-signature") continue;
    const char* raw = g_mime_header_get_raw_value(h);
    facts.dkim.push_back(parse_dkim_signature(raw ? to_valid_utf8(raw) : ""));
  }
}

void read_structure(GMimeObject* top, MailFacts& facts) {
  facts.top_media_type = media_type(top);
  if (GMimeContentType* type = g_mime_object_get_content_type(top)) {
    if (const char* rt = g_mime_content_type_get_parameter(type, "report-type")) {
      facts.report_type = to_valid_utf8(rt);
    }
  }
  if (GMIME_IS_MULTIPART(top) && g_mime_multipart_get_count(GMIME_MULTIPART(top)) > 0) {
    facts.first_part_media_type = media_type(g_mime_multipart_get_part(GMIME_MULTIPART(top), 0));
  }
}

}  // namespace

bool looks_like_mail(std::string_view bytes) {
  if (bytes.starts_with("From ")) return true;  // an mbox separator line
  // RFC 5322 §3.6.8: field-name = 1*ftext (printable US-ASCII except ":"), then ":".
  std::size_t i = 0;
  while (i < bytes.size() && bytes[i] > ' ' && bytes[i] < 0x7f && bytes[i] != ':')
    ++i;
  return i > 0 && i < bytes.size() && bytes[i] == ':';
}

MailReport extract_report_from_mail(std::string_view raw) {
  init_gmime();
  const GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  const GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  const GObjectPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), nullptr));
  if (!message)
    throw InputError(InputErrorKind::not_a_mail, "not a mail: GMime could not parse it");
  GMimeObject* top = g_mime_message_get_mime_part(message.get());  // borrowed
  if (!top) throw InputError(InputErrorKind::no_report_part, "mail without a body");

  Search search;
  read_headers(message.get(), search.result.facts);
  read_structure(top, search.result.facts);
  visit(top, "", false, search);
  if (!search.found) {
    throw InputError(
        InputErrorKind::no_report_part,
        "mail without a report part: no application/tlsrpt+gzip or "
        "application/tlsrpt+json part (RFC 8460 §5.3; top-level type " +
            (search.result.facts.top_media_type.empty() ? std::string("none")
                                                        : search.result.facts.top_media_type) +
            ")");
  }
  search.result.attachment = part_content(search.found);
  return std::move(search.result);
}

}  // namespace stslab::tlsrpt
