#include "stslab/mitm/attack_params.hpp"

#include <algorithm>
#include <stdexcept>

#include "stslab/core/pki.hpp"
#include "stslab/core/tls.hpp"

namespace stslab::mitm {
namespace {

void check_profile(const std::string& v) {
  core::parse_cert_profile(v);
}
void check_key(const std::string& v) {
  core::parse_key_type(v);
}
void check_tls_version(const std::string& v) {
  core::parse_tls_version(v);
}
void check_lines(const std::string& v) {
  for (const auto& line : split_injected_lines(v)) {
    if (line.find_first_of("\r\n") != std::string::npos) {
      throw std::invalid_argument("a line must not contain CR or LF");
    }
  }
}

}  // namespace

const std::vector<AttackSchema>& builtin_attack_schemas() {
  static const std::vector<AttackSchema> schemas{
      {"drop-after-ehlo", "relay the EHLO reply, then close both connections", {}},
      {"inject-after-starttls",
       "relay STARTTLS, append plaintext reply lines behind the 220, then pass TLS through",
       {{"lines", "the injected reply lines, separated by '|' (250 2.0.0 injected by mitm)",
         &check_lines}}},
      {"intercept-tls",
       "terminate STARTTLS with an attacker certificate and relay the decrypted session",
       {{"profile", "the attacker certificate's profile (self-signed)", &check_profile},
        {"host", "the name it is minted for (the MX the proxy fronts)", nullptr},
        {"key", "its key type: rsa2048 | ecdsa-p256 (rsa2048)", &check_key},
        {"tls_min", "the lowest TLS version the attacker accepts (library default)",
         &check_tls_version},
        {"tls_max", "the highest (library default)", &check_tls_version}}},
      {"pass", "relay everything untouched", {}},
      {"starttls-454", "advertise STARTTLS but answer the command with 454 4.7.0", {}},
      {"strip-starttls",
       "remove STARTTLS from the EHLO reply; answer a STARTTLS command with 502",
       {}},
  };
  return schemas;
}

const AttackSchema* find_builtin_attack(std::string_view name) {
  for (const auto& s : builtin_attack_schemas()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::string check_attack_params(const AttackSchema& schema,
                                const std::map<std::string, std::string>& params) {
  for (const auto& entry : params) {
    const std::string& key = entry.first;  // a plain name: clang 14 cannot capture a binding
    const std::string& value = entry.second;
    const auto param = std::find_if(schema.params.begin(), schema.params.end(),
                                    [&](const AttackParam& p) { return p.name == key; });
    if (param == schema.params.end()) {
      std::string known;
      for (const auto& p : schema.params)
        known += (known.empty() ? "" : ", ") + p.name;
      return "attack '" + schema.name + "' has no parameter '" + key +
             "' (known: " + (known.empty() ? "none" : known) + ")";
    }
    if (!param->check) continue;
    try {
      param->check(value);
    } catch (const std::invalid_argument& e) {
      return "attack '" + schema.name + "': " + key + ": " + e.what();
    }
  }
  return {};
}

std::vector<std::string> split_injected_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto bar = text.find('|', start);
    out.push_back(text.substr(start, bar == std::string::npos ? bar : bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return out;
}

}  // namespace stslab::mitm
