// A scenario's own mail domain, and durations: small pure functions of the scenario model.
#include <cstdint>
#include <cstdio>
#include <regex>
#include <stdexcept>

#include "stslab/harness/scenario.hpp"

namespace stslab::harness {
namespace {

constexpr std::size_t max_label = 63;

// Lowercase letters, digits and single '-' between them: a valid DNS label (if not too long).
std::string dns_safe(const std::string& text) {
  std::string out;
  for (const char raw : text) {
    const char c = (raw >= 'A' && raw <= 'Z') ? static_cast<char>(raw - 'A' + 'a') : raw;
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (keep) {
      out += c;
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-')
    out.pop_back();
  return out;
}

std::string short_hash(const std::string& text) {  // FNV-1a, 32 bits, as 8 hex digits
  std::uint32_t h = 2166136261u;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 16777619u;
  }
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", h);
  return hex;
}

// Keeps a label readable when it must be cut: its start, then a hash of the whole id so two
// long ids with the same start still differ.
std::string fit_label(std::string label, const std::string& id) {
  if (label.size() <= max_label) return label;
  label.resize(max_label - 9);
  while (!label.empty() && label.back() == '-')
    label.pop_back();
  return label + "-" + short_hash(id);
}

}  // namespace

// "rfc8461/5/enforce-starttls-stripped" -> "enforce-starttls-stripped.rfc8461-5.test": the slug
// first so a person reading a log sees the case, then the RFC and section. Distinct ids give
// distinct domains (the slug and the section cannot contain '.').
std::string Scenario::domain() const {
  const auto slash = id.rfind('/');
  std::string slug = dns_safe(slash == std::string::npos ? id : id.substr(slash + 1));
  std::string where = slash == std::string::npos ? "" : dns_safe(id.substr(0, slash));
  if (slug.empty()) slug = "scenario-" + short_hash(id);
  std::string domain = fit_label(slug, id);
  if (!where.empty()) domain += "." + fit_label(where, id);
  return domain + ".test";
}

std::chrono::seconds parse_duration(std::string_view text) {
  static const std::regex form("([0-9]{1,9}[smhd])+");
  const std::string s(text);
  if (!std::regex_match(s, form)) {
    throw std::invalid_argument("'" + s +
                                "' is not a duration: a number with a unit s, m, h or d, e.g. "
                                "90s, 2m, 1h30m, 2d");
  }
  std::int64_t total = 0;
  std::int64_t number = 0;
  for (const char c : s) {
    if (c >= '0' && c <= '9') {
      number = number * 10 + (c - '0');
      continue;
    }
    const std::int64_t unit = c == 's' ? 1 : c == 'm' ? 60 : c == 'h' ? 3600 : 86400;
    total += number * unit;
    number = 0;
  }
  if (total <= 0) throw std::invalid_argument("'" + s + "' is no time at all");
  return std::chrono::seconds(total);
}

}  // namespace stslab::harness
