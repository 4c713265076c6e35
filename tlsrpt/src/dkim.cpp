// RFC 6376 §3.2 tag-list: tag=value pairs separated by ";", with folding whitespace allowed
// around both. Inside h= and b= whitespace is not significant either, so it is dropped.
#include "stslab/tlsrpt/dkim.hpp"

#include "stslab/tlsrpt/names.hpp"

namespace stslab::tlsrpt {
namespace {

bool is_fws(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string strip_fws(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (!is_fws(c)) out += c;
  }
  return out;
}

std::vector<std::string> split_colons(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t colon = std::min(s.find(':', start), s.size());
    if (colon > start) out.push_back(lower(s.substr(start, colon - start)));
    start = colon + 1;
  }
  return out;
}

}  // namespace

DkimSignature parse_dkim_signature(std::string_view value) {
  DkimSignature sig;
  std::size_t start = 0;
  while (start < value.size()) {
    const std::size_t semi = std::min(value.find(';', start), value.size());
    const std::string_view spec = value.substr(start, semi - start);
    start = semi + 1;
    const std::size_t eq = spec.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string name = strip_fws(spec.substr(0, eq));
    const std::string val = strip_fws(spec.substr(eq + 1));
    if (name == "d") {
      sig.domain = lower(val);
    } else if (name == "s") {
      sig.selector = val;
    } else if (name == "l") {
      sig.has_body_length = true;
    } else if (name == "h") {
      sig.signed_headers = split_colons(val);
    }
  }
  return sig;
}

}  // namespace stslab::tlsrpt
