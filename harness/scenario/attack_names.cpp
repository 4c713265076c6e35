#include "attack_names.hpp"

#include <algorithm>
#include <stdexcept>

#include "stslab/mitm/attack.hpp"
#include "stslab/mitm/attack_params.hpp"

#ifdef STSLAB_HAVE_MITM
#include "stslab/mitm/attack_registry.hpp"
#endif

namespace stslab::harness::detail {

std::vector<std::string> known_attack_names() {
#ifdef STSLAB_HAVE_MITM
  return mitm::AttackRegistry::instance().names();
#else
  std::vector<std::string> names;
  for (const auto& schema : mitm::builtin_attack_schemas())
    names.push_back(schema.name);
  return names;
#endif
}

AttackText parse_attack_text(const std::string& text) {
  // The attacker's own reader, quotes included ("inject-after-starttls lines=\"250 a|250 b\"").
  auto spec = mitm::AttackSpec::parse(text);
  if (spec.name.empty()) throw std::invalid_argument("empty attack");
  return {std::move(spec.name), std::move(spec.params)};
}

std::string check_attack(const std::string& name,
                         const std::map<std::string, std::string>& params) {
  // The attacker's own schema (mitm/attack_params.hpp): what it will accept when it starts.
#ifdef STSLAB_HAVE_MITM
  return mitm::AttackRegistry::instance().check(mitm::AttackSpec{name, params});
#else
  const auto* schema = mitm::find_builtin_attack(name);
  if (schema == nullptr) {
    std::string known;
    for (const auto& n : known_attack_names())
      known += (known.empty() ? "" : ", ") + n;
    return "unknown attack '" + name + "' (known: " + known + ")";
  }
  return mitm::check_attack_params(*schema, params);
#endif
}

}  // namespace stslab::harness::detail
