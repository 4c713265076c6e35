// What the scenario loader knows about MITM attacks: their names and parameters, from the
// attacker's own registry and schema (mitm/attack_params.hpp; the schema alone when the mitm
// servers are not built), so a typo in a scenario is caught before anything runs.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace stslab::harness::detail {

std::vector<std::string> known_attack_names();  // sorted

// The attack text "NAME [key=value ...]" split up; throws std::invalid_argument when malformed.
struct AttackText {
  std::string name;
  std::map<std::string, std::string> params;
};
AttackText parse_attack_text(const std::string& text);

// Empty if the attack and its parameters are fine; otherwise what is wrong.
std::string check_attack(const std::string& name, const std::map<std::string, std::string>& params);

}  // namespace stslab::harness::detail
