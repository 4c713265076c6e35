// rua for the lab's own report receivers (report_destinations.hpp): the record read leniently,
// each URI as the sender reads it (core/rua_uri.hpp).
#include "stslab/harness/report_destinations.hpp"

#include <algorithm>
#include <cctype>

#include "stslab/core/rua_uri.hpp"

namespace stslab::harness {

namespace {

std::string trim(std::string s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::string::size_type start = 0;
  for (;;) {
    const auto end = text.find(sep, start);
    parts.push_back(text.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

}  // namespace

std::vector<ReportDestination> report_destinations(const std::string& record) {
  std::vector<ReportDestination> out;
  for (const auto& field : split(record, ';')) {
    const auto eq = field.find('=');
    if (eq == std::string::npos || trim(field.substr(0, eq)) != "rua") continue;
    // RFC 8460 §3: URIs separated by commas, spaces or tabs allowed around them.
    for (const auto& item : split(field.substr(eq + 1), ',')) {
      const auto uri = core::parse_rua_uri(trim(item));
      if (!uri || uri->host.empty() || uri->scheme == core::RuaUri::Scheme::unsupported) continue;
      const bool mail = uri->scheme == core::RuaUri::Scheme::mailto;
      out.push_back(
          {.kind = mail ? ReportDestination::Kind::mailto : ReportDestination::Kind::https,
           .uri = uri->uri,
           .host = uri->host,
           .mailbox = uri->address,
           .path = uri->path});
    }
  }
  return out;
}

}  // namespace stslab::harness
