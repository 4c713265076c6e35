// starttls-454: STARTTLS is advertised, but the command fails with a temporary error, as if the
// MX had lost its certificate. An MTA-STS sender must not then continue in plaintext.
#include "basic_attack.hpp"

namespace stslab::mitm::attacks {

namespace {
class Starttls454 final : public BasicAttack {
 public:
  using BasicAttack::BasicAttack;

  CommandDecision on_command(const Command& command) const override {
    return answer_starttls(command, "454 4.7.0 TLS not available", "answered STARTTLS with 454");
  }
};
}  // namespace

void register_starttls_454(AttackRegistry& registry) {
  registry.add(*find_builtin_attack("starttls-454"), [](const AttackSpec& spec, const AttackEnv&) {
    return std::make_shared<Starttls454>(spec);
  });
}

}  // namespace stslab::mitm::attacks
