// How the report travelled (RFC 8460 §5). The JSON is already checked; these checks compare
// the envelope (HTTP Content-Type, mail headers, MIME structure, filename) with the content.
#include "stslab/tlsrpt/delivery_checks.hpp"

#include <algorithm>

#include "stslab/tlsrpt/names.hpp"

namespace stslab::tlsrpt {
namespace {

constexpr std::string_view kGzipType = "application/tlsrpt+gzip";
constexpr std::string_view kJsonType = "application/tlsrpt+json";

// "Application/TLSRPT+gzip; charset=x" -> "application/tlsrpt+gzip"
std::string bare_media_type(std::string_view content_type) {
  const auto semi = content_type.find(';');
  std::string out = lower(content_type.substr(0, semi));
  out.erase(std::remove_if(out.begin(), out.end(), [](char c) { return c == ' ' || c == '\t'; }),
            out.end());
  return out;
}

// RPT-07 / RPT-17: the declared media type against what the bytes are.
void check_media_type(std::string_view declared, bool gzipped, const char* id,
                      const std::string& where, std::vector<Finding>& findings) {
  const std::string type = bare_media_type(declared);
  const std::string_view expected = gzipped ? kGzipType : kJsonType;
  if (type == expected) return;
  const std::string what = gzipped ? "gzip" : "JSON";
  if (type == kGzipType || type == kJsonType) {
    // A receiver that trusts the label cannot read the report.
    findings.push_back(
        invalid(id, Level::should, where, "labelled " + type + " but the content is " + what));
  } else {
    findings.push_back(sloppy(
        id, Level::should, where,
        "media type \"" + type + "\"; " + what + " content should be " + std::string(expected)));
  }
}

void check_gzip_used(bool gzipped, const std::string& where, std::vector<Finding>& findings) {
  if (!gzipped) {
    findings.push_back(sloppy("RPT-19", Level::should, where,
                              "the report is not gzip-compressed (RFC 8460 §5.2)"));
  }
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool all_alnum(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto pos = s.find(sep, start);
    out.emplace_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) return out;
    start = pos + 1;
  }
}

bool names_policy_domain(const Report& report, std::string_view domain) {
  const std::string d = lower(domain);
  return std::any_of(report.policies.begin(), report.policies.end(),
                     [&](const PolicyResult& p) { return lower(p.policy.domain) == d; });
}

void check_timestamp(const std::string& field, const std::optional<std::int64_t>& expected,
                     const char* which, const std::string& where, std::vector<Finding>& findings) {
  if (!all_digits(field)) {
    findings.push_back(sloppy("RPT-18", Level::should, where,
                              std::string(which) + " \"" + field + "\" is not Unix seconds"));
  } else if (expected && field != std::to_string(*expected)) {
    findings.push_back(sloppy(
        "RPT-18", Level::should, where,
        std::string(which) + " " + field + " is not the report's " + std::to_string(*expected)));
  }
}

}  // namespace

std::vector<Finding> check_filename(std::string_view filename, bool gzipped, const Report& report,
                                    std::string_view where_view) {
  std::vector<Finding> findings;
  const std::string where(where_view);
  std::string_view stem = filename;
  // RFC 8460 §5.1: the extension MUST be "json", or "json.gz" when compressed.
  if (filename.ends_with(".json.gz")) {
    stem.remove_suffix(8);
    if (!gzipped) {
      findings.push_back(
          invalid("RPT-18", Level::must, where, "\".json.gz\" name but the content is not gzip"));
    }
  } else if (filename.ends_with(".json")) {
    stem.remove_suffix(5);
    if (gzipped) {
      findings.push_back(invalid("RPT-18", Level::must, where,
                                 "\".json\" name but the content is gzip (want .json.gz)"));
    }
  } else {
    findings.push_back(
        invalid("RPT-18", Level::must, where,
                "\"" + std::string(filename) + "\" does not end in .json or .json.gz"));
  }
  const auto fields = split(stem, '!');
  if (fields.size() != 4 && fields.size() != 5) {
    findings.push_back(sloppy(
        "RPT-18", Level::should, where,
        "\"" + std::string(filename) + "\" is not sender!policy-domain!begin!end[!unique-id].ext"));
    return findings;
  }
  for (std::size_t i = 0; i < 2; ++i) {
    if (!is_ascii(fields[i])) {
      findings.push_back(invalid("RPT-27", Level::must, where,
                                 "filename domain \"" + fields[i] + "\" is not an A-label"));
    } else if (!is_hostname(fields[i])) {
      findings.push_back(sloppy("RPT-18", Level::should, where,
                                "filename field \"" + fields[i] + "\" is not a domain"));
    }
  }
  if (is_ascii(fields[1]) && !report.policies.empty() && !names_policy_domain(report, fields[1])) {
    findings.push_back(sloppy(
        "RPT-18", Level::should, where,
        "filename policy domain \"" + fields[1] + "\" is not a policy-domain of the report"));
  }
  check_timestamp(fields[2], report.start_unix, "begin timestamp", where, findings);
  check_timestamp(fields[3], report.end_unix, "end timestamp", where, findings);
  if (fields.size() == 5 && !all_alnum(fields[4])) {
    findings.push_back(sloppy("RPT-18", Level::should, where,
                              "unique-id \"" + fields[4] + "\" is not letters and digits"));
  }
  return findings;
}

std::vector<Finding> check_delivery(const TransportFacts& transport, const Decoded& decoded,
                                    const Report& report) {
  if (decoded.mail) return check_mail(*decoded.mail, decoded.gzipped, report);
  std::vector<Finding> findings;
  switch (transport.transport) {
    case Transport::https:
      // RFC 8460 §5.4 and §6.2-6.3: the POST's Content-Type names the media type.
      if (transport.content_type.empty()) {
        findings.push_back(
            sloppy("RPT-07", Level::should, "http:Content-Type", "no Content-Type on the POST"));
      } else {
        check_media_type(transport.content_type, decoded.gzipped, "RPT-07", "http:Content-Type",
                         findings);
      }
      check_gzip_used(decoded.gzipped, "http:body", findings);
      break;
    case Transport::mail:  // the attachment alone, handed over by a mail receiver
      if (!transport.content_type.empty()) {
        check_media_type(transport.content_type, decoded.gzipped, "RPT-17", "mail:Content-Type",
                         findings);
      }
      if (!transport.filename.empty()) {
        auto more = check_filename(transport.filename, decoded.gzipped, report, "mail:filename");
        findings.insert(findings.end(), more.begin(), more.end());
      }
      check_gzip_used(decoded.gzipped, "mail:body", findings);
      break;
    case Transport::file:
      // A file on disk says nothing about how the report was sent; only tell the reader when
      // the name and the content disagree, since the content decided.
      if (transport.filename.ends_with(".gz") != decoded.gzipped &&
          decoded.container != Container::mail) {
        findings.push_back(note("RPT-18", "file:name",
                                std::string("read as ") +
                                    (decoded.gzipped ? "gzip" : "plain JSON") +
                                    " by its content, whatever the name says"));
      }
      break;
  }
  return findings;
}

}  // namespace stslab::tlsrpt
