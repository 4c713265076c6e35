#include "attack_names.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "stslab/core/pki.hpp"

#ifdef STSLAB_HAVE_MITM
#include "stslab/mitm/attack_registry.hpp"
#endif

namespace stslab::harness::detail {
namespace {

// The built-in attacks' parameters (mitm/src/attacks/*.cpp, require_known_params). An attack
// registered elsewhere is accepted with any parameters; the proxy checks them when it starts.
const std::map<std::string, std::vector<std::string>>& builtin_params() {
  static const std::map<std::string, std::vector<std::string>> params{
      {"pass", {}},
      {"strip-starttls", {}},
      {"starttls-454", {}},
      {"drop-after-ehlo", {}},
      {"inject-after-starttls", {"lines"}},
      {"intercept-tls", {"profile", "host", "key", "tls_min", "tls_max"}},
  };
  return params;
}

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& w : words)
    text += (text.empty() ? "" : ", ") + w;
  return text;
}

}  // namespace

std::vector<std::string> known_attack_names() {
#ifdef STSLAB_HAVE_MITM
  return mitm::AttackRegistry::instance().names();
#else
  std::vector<std::string> names;
  for (const auto& [name, params] : builtin_params())
    names.push_back(name);
  return names;
#endif
}

AttackText parse_attack_text(const std::string& text) {
  std::istringstream in(text);
  AttackText attack;
  in >> attack.name;
  if (attack.name.empty()) throw std::invalid_argument("empty attack");
  for (std::string word; in >> word;) {
    const auto eq = word.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw std::invalid_argument("attack parameter '" + word + "' is not key=value");
    }
    attack.params[word.substr(0, eq)] = word.substr(eq + 1);
  }
  return attack;
}

std::string check_attack(const std::string& name,
                         const std::map<std::string, std::string>& params) {
  const auto names = known_attack_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    return "unknown attack '" + name + "' (known: " + joined(names) + ")";
  }
  const auto builtin = builtin_params().find(name);
  if (builtin == builtin_params().end()) return {};
  for (const auto& [key, value] : params) {
    const auto& allowed = builtin->second;
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return "attack '" + name + "' has no parameter '" + key +
             "' (known: " + (allowed.empty() ? std::string("none") : joined(allowed)) + ")";
    }
    try {
      if (key == "profile") core::parse_cert_profile(value);
      if (key == "key") core::parse_key_type(value);
    } catch (const std::invalid_argument& e) {
      return std::string("attack '") + name + "': " + e.what();
    }
  }
  return {};
}

}  // namespace stslab::harness::detail
