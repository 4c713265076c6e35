// rua parsing for the lab's own report receivers (report_destinations.hpp).
#include "stslab/harness/report_destinations.hpp"

#include <algorithm>
#include <cctype>

#include "stslab/core/names.hpp"

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
    for (auto uri : split(field.substr(eq + 1), ',')) {
      uri = trim(uri);
      ReportDestination d{.uri = uri};
      const auto l = core::ascii_lower(uri);
      if (l.rfind("mailto:", 0) == 0) {
        d.kind = ReportDestination::Kind::mailto;
        d.mailbox = uri.substr(7);
        const auto at = d.mailbox.rfind('@');
        if (at == std::string::npos) continue;
        d.host = core::ascii_lower(d.mailbox.substr(at + 1));
      } else if (l.rfind("https://", 0) == 0) {
        d.kind = ReportDestination::Kind::https;
        const auto rest = uri.substr(8);
        const auto slash = rest.find('/');
        d.host = core::ascii_lower(rest.substr(0, slash));
        if (const auto colon = d.host.find(':'); colon != std::string::npos) d.host.resize(colon);
        d.path = slash == std::string::npos ? "/" : rest.substr(slash);
      } else {
        continue;
      }
      if (!d.host.empty()) out.push_back(std::move(d));
    }
  }
  return out;
}

}  // namespace stslab::harness
