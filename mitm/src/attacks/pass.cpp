// pass: the attacker is present but does nothing. The proxy still journals every plaintext
// command, so this is the control case for every downgrade scenario.
#include "basic_attack.hpp"

namespace stslab::mitm::attacks {

namespace {
class Pass final : public BasicAttack {
 public:
  using BasicAttack::BasicAttack;
};
}  // namespace

void register_pass(AttackRegistry& registry) {
  registry.add(*find_builtin_attack("pass"), [](const AttackSpec& spec, const AttackEnv&) {
    return std::make_shared<Pass>(spec);
  });
}

}  // namespace stslab::mitm::attacks
