#include "stslab/https/names.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "stslab/core/names.hpp"

namespace stslab::https {
namespace {

std::string lower_without_trailing_dot(std::string_view name) {
  std::string out = core::ascii_lower(std::string(name));
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

}  // namespace

std::optional<std::string> parse_sni_extension(std::span<const unsigned char> ext) {
  constexpr std::uint8_t host_name_type = 0;
  if (ext.size() < 2) return std::nullopt;
  const std::size_t list_length = (std::size_t{ext[0]} << 8) | ext[1];
  if (list_length != ext.size() - 2) return std::nullopt;
  auto rest = ext.subspan(2);
  while (rest.size() >= 3) {
    const std::uint8_t type = rest[0];
    const std::size_t length = (std::size_t{rest[1]} << 8) | rest[2];
    if (length > rest.size() - 3) return std::nullopt;
    if (type == host_name_type) {
      if (length == 0) return std::nullopt;
      std::string_view name(reinterpret_cast<const char*>(rest.data() + 3), length);
      return lower_without_trailing_dot(name);
    }
    rest = rest.subspan(3 + length);
  }
  return std::nullopt;
}

std::string normalize_host(std::string_view host) {
  while (!host.empty() && (host.front() == ' ' || host.front() == '\t'))
    host.remove_prefix(1);
  while (!host.empty() && (host.back() == ' ' || host.back() == '\t'))
    host.remove_suffix(1);
  if (!host.empty() && host.front() == '[') {
    // An IPv6 literal, maybe with a port after the bracket.
    const auto close = host.find(']');
    return lower_without_trailing_dot(
        host.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
  }
  if (const auto colon = host.find(':');
      colon != std::string_view::npos && host.find(':', colon + 1) == std::string_view::npos) {
    host = host.substr(0, colon);  // "name:port"; a bare IPv6 address has several colons
  }
  return lower_without_trailing_dot(host);
}

std::string printable(std::string_view bytes) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size());
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0xf]);
    }
  }
  return out;
}

}  // namespace stslab::https
