// What the scenario loader knows about MITM attacks: their names (from mitm::AttackRegistry when
// the mitm part is built, else a fixed list that matches it) and, for the built-in ones, the
// parameters they accept, so a typo in a scenario is caught before anything runs.
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
