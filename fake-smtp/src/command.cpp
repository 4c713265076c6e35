#include "command.hpp"

#include <algorithm>
#include <cctype>

namespace stslab::smtp::detail {
namespace {

bool blank(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && blank(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && blank(s.back()))
    s.remove_suffix(1);
  return s;
}

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// Length of the valid UTF-8 sequence starting at s[0] (2..4), or 0.
std::size_t utf8_sequence(std::string_view s) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  std::size_t n = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  for (std::size_t i = 1; i < n; ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return 0;
  }
  // Reject overlong forms and surrogates, as JSON encoders do.
  const auto b1 = static_cast<unsigned char>(s[1]);
  if (b0 == 0xE0 && b1 < 0xA0) return 0;
  if (b0 == 0xED && b1 > 0x9F) return 0;
  if (b0 == 0xF0 && b1 < 0x90) return 0;
  if (b0 == 0xF4 && b1 > 0x8F) return 0;
  return n;
}

}  // namespace

VerbArg split_command(std::string_view line) {
  line = trim(line);
  std::size_t end = 0;
  while (end < line.size() && !blank(line[end]))
    ++end;
  return {to_upper(line.substr(0, end)), trim(line.substr(end))};
}

std::optional<PathArg> parse_path_arg(std::string_view arg, std::string_view keyword) {
  if (arg.size() < keyword.size() || !iequals(arg.substr(0, keyword.size()), keyword)) {
    return std::nullopt;
  }
  arg = trim(arg.substr(keyword.size()));
  if (arg.empty() || arg.front() != '<') return std::nullopt;
  const auto close = arg.find('>');
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view path = arg.substr(1, close - 1);
  if (path.find('<') != std::string_view::npos || has_control_octets(path)) return std::nullopt;
  if (path.find(' ') != std::string_view::npos) return std::nullopt;
  if (!path.empty() && path.front() == '@') {  // source route: "@a,@b:user@host"
    const auto colon = path.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    path.remove_prefix(colon + 1);
  }

  PathArg result{std::string(path), {}};
  std::string_view rest = arg.substr(close + 1);
  if (!rest.empty() && !blank(rest.front())) return std::nullopt;  // "<a@b>junk"
  rest = trim(rest);
  while (!rest.empty()) {
    std::size_t end = 0;
    while (end < rest.size() && !blank(rest[end]))
      ++end;
    std::string_view param = rest.substr(0, end);
    const auto key_end = std::min(param.find('='), param.size());
    if (key_end == 0) return std::nullopt;
    for (std::size_t i = 0; i < key_end; ++i) {
      if (!std::isalnum(static_cast<unsigned char>(param[i])) && param[i] != '-') {
        return std::nullopt;
      }
    }
    result.params.emplace_back(param);
    rest = trim(rest.substr(end));
  }
  return result;
}

bool is_mailbox(std::string_view path) {
  const auto at = path.rfind('@');
  return at != std::string_view::npos && at > 0 && at + 1 < path.size();
}

std::string domain_of(std::string_view address) {
  const auto at = address.rfind('@');
  if (at == std::string_view::npos) return "";
  std::string domain(address.substr(at + 1));
  std::transform(domain.begin(), domain.end(), domain.begin(), lower);
  return domain;
}

bool has_control_octets(std::string_view line) {
  return std::any_of(line.begin(), line.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7F;
  });
}

std::string printable(std::string_view bytes) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size();) {
    const auto u = static_cast<unsigned char>(bytes[i]);
    if (u >= 0x20 && u < 0x7F) {
      out.push_back(bytes[i++]);
    } else if (const auto n = u >= 0x80 ? utf8_sequence(bytes.substr(i)) : 0; n > 0) {
      out.append(bytes.substr(i, n));
      i += n;
    } else {
      out += "\\x";
      out.push_back(hex[u >> 4]);
      out.push_back(hex[u & 0xF]);
      ++i;
    }
  }
  return out;
}

std::string redact(std::string_view line) {
  auto [verb, arg] = split_command(line);
  if (verb != "AUTH" || arg.empty()) return std::string(line);
  std::size_t end = 0;
  while (end < arg.size() && !blank(arg[end]))
    ++end;
  std::string out = "AUTH " + std::string(arg.substr(0, end));
  if (end < arg.size()) out += " [redacted]";
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

bool icontains(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char x, char y) { return lower(x) == lower(y); });
  return it != haystack.end();
}

std::string to_upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  });
  return out;
}

}  // namespace stslab::smtp::detail
