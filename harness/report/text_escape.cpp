#include "text_escape.hpp"

#include <cstdint>
#include <cstdio>

namespace stslab::harness::text {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// What starts at s[i]: a well-formed sequence of `length` bytes, or an ill-formed maximal
// subpart of `length` bytes that gets one U+FFFD.
struct Sequence {
  std::size_t length;
  bool valid;
};

Sequence scan(std::string_view s, std::size_t i) {
  const auto lead = static_cast<std::uint8_t>(s[i]);
  if (lead < 0x80) return {1, true};
  // Unicode table 3-7: the trailing byte ranges; only the first trailing byte may be narrower.
  std::size_t trailing = 0;
  std::uint8_t lo = 0x80, hi = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    trailing = 1;
  } else if (lead == 0xE0) {
    trailing = 2, lo = 0xA0;
  } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
    trailing = 2;
  } else if (lead == 0xED) {
    trailing = 2, hi = 0x9F;  // no UTF-16 surrogates
  } else if (lead == 0xF0) {
    trailing = 3, lo = 0x90;
  } else if (lead >= 0xF1 && lead <= 0xF3) {
    trailing = 3;
  } else if (lead == 0xF4) {
    trailing = 3, hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return {1, false};
  }
  for (std::size_t k = 1; k <= trailing; ++k) {
    if (i + k >= s.size()) return {k, false};
    const auto byte = static_cast<std::uint8_t>(s[i + k]);
    if (byte < lo || byte > hi) return {k, false};
    lo = 0x80, hi = 0xBF;
  }
  return {trailing + 1, true};
}

char32_t decode(std::string_view seq) {
  const auto b = [&](std::size_t k) {
    return static_cast<char32_t>(static_cast<std::uint8_t>(seq[k]));
  };
  switch (seq.size()) {
    case 1:
      return b(0);
    case 2:
      return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    case 3:
      return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    default:
      return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  }
}

// Calls f(code point, its bytes) for each character of `s` after valid_utf8.
template <typename F>
void for_each_char(std::string_view s, F&& f) {
  const std::string valid = valid_utf8(s);
  const std::string_view v = valid;
  for (std::size_t i = 0; i < v.size();) {
    const std::size_t n = scan(v, i).length;
    f(decode(v.substr(i, n)), v.substr(i, n));
    i += n;
  }
}

bool xml_forbidden(char32_t c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xFFFE || c == 0xFFFF;
}

std::string visible(char32_t c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, c < 0x100 ? "\\x%02X" : "\\u%04X", static_cast<unsigned>(c));
  return buf;
}

std::string xml_escape(std::string_view s, bool attribute) {
  std::string out;
  out.reserve(s.size());
  for_each_char(s, [&](char32_t c, std::string_view bytes) {
    if (xml_forbidden(c)) {
      out += visible(c);
    } else if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '\r') {
      out += "&#13;";
    } else if (attribute && c == '"') {
      out += "&quot;";
    } else if (attribute && c == '\'') {
      out += "&apos;";
    } else if (attribute && c == '\n') {
      out += "&#10;";
    } else if (attribute && c == '\t') {
      out += "&#9;";
    } else {
      out += bytes;
    }
  });
  return out;
}

}  // namespace

std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const Sequence seq = scan(s, i);
    if (seq.valid) {
      out += s.substr(i, seq.length);
    } else {
      out += kReplacement;
    }
    i += seq.length;
  }
  return out;
}

nlohmann::json valid_utf8_json(const nlohmann::json& j) {
  if (j.is_string()) return valid_utf8(j.get_ref<const std::string&>());
  if (j.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : j)
      out.push_back(valid_utf8_json(item));
    return out;
  }
  if (j.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, value] : j.items())
      out[valid_utf8(key)] = valid_utf8_json(value);
    return out;
  }
  return j;
}

std::string xml_text(std::string_view s) {
  return xml_escape(s, false);
}
std::string xml_attr(std::string_view s) {
  return xml_escape(s, true);
}

std::string markdown_cell(std::string_view s, std::size_t max_chars) {
  constexpr std::string_view kPunctuation = "|\\`*_[]<>&~";
  std::string out;
  std::size_t chars = 0;
  for_each_char(s, [&](char32_t c, std::string_view bytes) {
    if (chars > max_chars) return;
    if (++chars > max_chars) {
      out += "…";
      return;
    }
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else if (c < 0x20 || (c >= 0x7F && c < 0xA0)) {
      out += kReplacement;
    } else if (c < 0x80 && kPunctuation.find(static_cast<char>(c)) != std::string_view::npos) {
      out += '\\';
      out += bytes;
    } else {
      out += bytes;
    }
  });
  return out;
}

}  // namespace stslab::harness::text
