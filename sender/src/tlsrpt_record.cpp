#include "stslab/sender/tlsrpt_record.hpp"

#include <cctype>

namespace stslab::sender {
namespace {

constexpr std::string_view kVersion = "v=TLSRPTv1";

bool is_wsp(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim_wsp(std::string_view s) {
  while (!s.empty() && is_wsp(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_wsp(s.back()))
    s.remove_suffix(1);
  return s;
}

bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// §3: tlsrpt-ext-name = tlsrpt-alphanum *31(tlsrpt-alphanum / "_" / "-" / ".")
bool is_ext_name(std::string_view name) {
  if (name.empty() || name.size() > 32 || !is_alnum(name.front())) return false;
  for (char c : name) {
    if (!is_alnum(c) && c != '_' && c != '-' && c != '.') return false;
  }
  return true;
}

// §3: tlsrpt-ext-value = 1*(%x21-3A / %x3C / %x3E-7E)
bool is_ext_value(std::string_view value) {
  if (value.empty()) return false;
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (!((u >= 0x21 && u <= 0x3A) || u == 0x3C || (u >= 0x3E && u <= 0x7E))) return false;
  }
  return true;
}

// A URI as far as we need it: a scheme (RFC 3986 §3.1), a colon, something after it, and no
// blanks or controls. Commas, '!' and ';' inside it are percent-encoded by §3.
bool parse_uri(std::string_view text, RuaUri& out) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return false;
  if (!std::isalpha(static_cast<unsigned char>(text.front()))) return false;
  std::string scheme;
  for (char c : text.substr(0, colon)) {
    if (!is_alnum(c) && c != '+' && c != '-' && c != '.') return false;
    scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) return false;
  }
  out.uri = std::string(text);
  if (scheme == "mailto") {
    std::string_view rest = text.substr(colon + 1);
    rest = rest.substr(0, rest.find('?'));  // RFC 6068 header fields are not ours to use
    out.address = percent_decode(rest);
    const auto at = out.address.rfind('@');
    if (at == std::string::npos || at == 0 || at + 1 == out.address.size()) return false;
    out.scheme = RuaUri::Scheme::mailto;
  } else if (scheme == "https") {
    if (!text.substr(colon + 1).starts_with("//")) return false;
    out.scheme = RuaUri::Scheme::https;
  } else {
    out.scheme = RuaUri::Scheme::unsupported;  // kept, so the caller can say it skipped it
  }
  return true;
}

// tlsrpt-rua = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
bool parse_rua(std::string_view value, std::vector<RuaUri>& out, std::string& why) {
  while (true) {
    const auto comma = value.find(',');
    const auto item = trim_wsp(value.substr(0, comma));
    RuaUri uri;
    if (!parse_uri(item, uri)) {
      why = "rua holds '" + std::string(item) + "', which is not a URI";
      return false;
    }
    out.push_back(std::move(uri));
    if (comma == std::string_view::npos) return true;
    value.remove_prefix(comma + 1);
  }
}

TlsrptSelection parse_record(const std::string& record) {
  TlsrptSelection out;
  out.record = record;
  out.kind = TlsrptSelection::Kind::invalid;
  std::string_view rest = std::string_view(record).substr(kVersion.size());
  bool have_rua = false;
  // Every field follows a field-delim (*WSP ";" *WSP); a trailing delimiter is allowed.
  while (!rest.empty()) {
    rest = trim_wsp(rest);
    if (rest.empty()) break;
    if (rest.front() != ';') {
      out.detail = "expected ';' before '" + std::string(rest) + "'";
      return out;
    }
    rest.remove_prefix(1);
    const auto end = rest.find(';');
    const auto field = trim_wsp(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    if (field.empty()) {
      if (rest.empty()) break;  // the trailing ";"
      out.detail = "empty field";
      return out;
    }
    const auto eq = field.find('=');
    const auto name = field.substr(0, eq);
    if (eq == std::string_view::npos || !is_ext_name(name)) {
      out.detail = "malformed field '" + std::string(field) + "'";
      return out;
    }
    const auto value = field.substr(eq + 1);
    if (name == "rua") {
      if (have_rua) continue;  // the first rua counts
      if (!parse_rua(value, out.rua, out.detail)) return out;
      have_rua = true;
    } else if (!is_ext_value(value)) {
      // RPT-04: unknown fields are ignored, but they must still be well formed.
      out.detail = "malformed value in field '" + std::string(field) + "'";
      return out;
    }
  }
  if (!have_rua) {
    out.detail = "no rua field";
    return out;
  }
  out.kind = TlsrptSelection::Kind::valid;
  return out;
}

}  // namespace

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

TlsrptSelection select_tlsrpt_record(const std::vector<std::string>& records) {
  std::vector<const std::string*> kept;
  for (const auto& r : records) {
    // §3: the prefix test is case-sensitive and includes the ";" (RPT-02).
    if (r.starts_with(std::string(kVersion) + ";")) kept.push_back(&r);
  }
  TlsrptSelection out;
  if (kept.empty()) {
    out.detail = "no record starts with v=TLSRPTv1;";
    return out;
  }
  if (kept.size() > 1) {
    out.kind = TlsrptSelection::Kind::multiple;
    out.detail = std::to_string(kept.size()) + " records start with v=TLSRPTv1;";
    return out;
  }
  return parse_record(*kept.front());
}

}  // namespace stslab::sender
