#include "stslab/sender/mx_pattern.hpp"

#include <algorithm>

namespace stslab::sender {
namespace {

bool is_let_dig(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 5321 sub-domain = Let-dig [Ldh-str]: letters, digits and inner hyphens.
bool is_label(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (!is_let_dig(label.front()) || !is_let_dig(label.back())) return false;
  return std::all_of(label.begin(), label.end(), [](char c) { return is_let_dig(c) || c == '-'; });
}

bool is_domain(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  while (true) {
    const std::size_t dot = name.find('.');
    if (!is_label(name.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    name.remove_prefix(dot + 1);
  }
}

}  // namespace

std::string normalize_host(std::string_view name) {
  if (name.ends_with('.')) name.remove_suffix(1);
  std::string out(name);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

bool is_valid_mx_pattern(std::string_view pattern) {
  if (pattern.ends_with('.')) pattern.remove_suffix(1);
  if (pattern.starts_with("*.")) pattern.remove_prefix(2);
  return is_domain(pattern);
}

bool mx_matches(std::string_view host, std::string_view pattern, const DefectSet& defects) {
  if (!is_valid_mx_pattern(pattern)) return false;
  const std::string h = normalize_host(host);
  const std::string p = normalize_host(pattern);
  if (!p.starts_with("*.")) return h == p;
  // "*.example.com" -> the suffix ".example.com"; the host must add exactly one label (§4.1).
  const std::string_view suffix = std::string_view(p).substr(1);
  if (h.size() <= suffix.size() || !h.ends_with(suffix)) return false;
  const std::string_view extra = std::string_view(h).substr(0, h.size() - suffix.size());
  if (defects.has(Defect::wildcard_any_depth)) return true;
  return extra.find('.') == std::string_view::npos;
}

bool mx_matches_any(std::string_view host, const std::vector<std::string>& patterns,
                    const DefectSet& defects) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return mx_matches(host, p, defects); });
}

}  // namespace stslab::sender
