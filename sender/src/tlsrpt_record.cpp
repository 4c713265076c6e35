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

// tlsrpt-rua = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
bool parse_rua(std::string_view value, std::vector<RuaUri>& out, std::string& why) {
  while (true) {
    const auto comma = value.find(',');
    const auto item = trim_wsp(value.substr(0, comma));
    auto uri = core::parse_rua_uri(item);
    if (!uri) {
      why = "rua holds '" + std::string(item) + "', which is not a URI";
      return false;
    }
    out.push_back(std::move(*uri));
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
