#include "stslab/tlsrpt/names.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

namespace stslab::tlsrpt {
namespace {

bool is_ldh(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

}  // namespace

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool is_hostname(std::string_view name, bool allow_wildcard) {
  if (allow_wildcard && name.starts_with("*.")) name.remove_prefix(2);
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);  // absolute form
  if (name.empty() || name.size() > 253) return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t dot = std::min(name.find('.', start), name.size());
    const std::string_view label = name.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-' ||
        !std::all_of(label.begin(), label.end(), is_ldh)) {
      return false;
    }
    start = dot + 1;
  }
  return true;
}

IpSyntax classify_ip(std::string_view text) {
  const std::string s(text);
  std::array<unsigned char, 16> addr{};
  if (inet_pton(AF_INET, s.c_str(), addr.data()) == 1) return IpSyntax::ipv4;
  if (inet_pton(AF_INET6, s.c_str(), addr.data()) != 1) return IpSyntax::invalid;
  // glibc's inet_ntop writes the RFC 5952 form (lower case, longest zero run compressed, a
  // single zero field not compressed), so a round trip tells canonical from merely valid.
  std::array<char, INET6_ADDRSTRLEN> back{};
  inet_ntop(AF_INET6, addr.data(), back.data(), back.size());
  return s == back.data() ? IpSyntax::ipv6_canonical : IpSyntax::ipv6_not_canonical;
}

std::string addr_spec_domain(std::string_view text) {
  const std::size_t at = text.rfind('@');
  if (at == std::string_view::npos || at == 0 || text.find('@') != at) return "";
  const std::string_view local = text.substr(0, at);
  if (std::any_of(local.begin(), local.end(),
                  [](char c) { return c == ' ' || c == '<' || c == '>'; })) {
    return "";
  }
  const std::string_view domain = text.substr(at + 1);
  // A U-label domain is still a domain here; RPT-27 is checked on the domain fields.
  if (domain.empty() || (is_ascii(domain) && !is_hostname(domain))) return "";
  return std::string(domain);
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; });
  return out;
}

}  // namespace stslab::tlsrpt
