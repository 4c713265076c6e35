#include "stslab/core/rua_uri.hpp"

#include <cctype>

#include "stslab/core/names.hpp"

namespace stslab::core {
namespace {

bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// "https://Host:8443/path?q" -> host "host", path "/path?q".
void split_https(std::string_view after_slashes, RuaUri& out) {
  const auto slash = after_slashes.find('/');
  std::string host(after_slashes.substr(0, slash));
  if (const auto colon = host.find(':'); colon != std::string::npos) host.resize(colon);
  out.host = ascii_lower(std::move(host));
  out.path = slash == std::string_view::npos ? "/" : std::string(after_slashes.substr(slash));
}

}  // namespace

std::optional<RuaUri> parse_rua_uri(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size())
    return std::nullopt;
  if (!std::isalpha(static_cast<unsigned char>(text.front()))) return std::nullopt;
  std::string scheme;
  for (char c : text.substr(0, colon)) {
    if (!is_alnum(c) && c != '+' && c != '-' && c != '.') return std::nullopt;
    scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) return std::nullopt;
  }
  RuaUri out;
  out.uri = std::string(text);
  const std::string_view rest = text.substr(colon + 1);
  if (scheme == "mailto") {
    out.address = percent_decode(rest.substr(0, rest.find('?')));  // RFC 6068 headers: not ours
    const auto at = out.address.rfind('@');
    if (at == std::string::npos || at == 0 || at + 1 == out.address.size()) return std::nullopt;
    out.scheme = RuaUri::Scheme::mailto;
    out.host = ascii_lower(out.address.substr(at + 1));
  } else if (scheme == "https") {
    if (!rest.starts_with("//")) return std::nullopt;
    out.scheme = RuaUri::Scheme::https;
    split_https(rest.substr(2), out);
  }
  return out;
}

std::string percent_decode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace stslab::core
