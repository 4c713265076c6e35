// The built-in attacks' parameters as data (toxiproxy's shape: the schema sits beside the
// attack, not in its callers). The registry checks every AttackSpec against it before a factory
// runs, and the scenario loader checks scenario files against the same table, so a parameter a
// scenario may name is exactly one the attacker accepts, with the same value checks.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace stslab::mitm {

struct AttackParam {
  std::string name;
  std::string doc;  // what it sets, with its default
  // Throws std::invalid_argument (naming the good values) for a value the attack cannot use.
  void (*check)(const std::string& value) = nullptr;
};

struct AttackSchema {
  std::string name;
  std::string summary;  // one line for listings and error messages
  std::vector<AttackParam> params;
};

const std::vector<AttackSchema>& builtin_attack_schemas();  // sorted by name
const AttackSchema* find_builtin_attack(std::string_view name);

// "" when `params` fit the schema; otherwise what is wrong ("attack 'x' has no parameter 'y'
// (known: ...)", "attack 'x': unknown certificate profile ...").
std::string check_attack_params(const AttackSchema& schema,
                                const std::map<std::string, std::string>& params);

// inject-after-starttls's `lines`: "a|b" -> {"a", "b"}.
std::vector<std::string> split_injected_lines(const std::string& text);

}  // namespace stslab::mitm
