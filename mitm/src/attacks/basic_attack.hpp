// Shared plumbing for the built-in attacks: the spec they were made from, the answer to a
// STARTTLS the attacker refuses itself, and the register functions attacks/builtin.cpp calls.
#pragma once

#include <string>
#include <utility>

#include "stslab/mitm/attack.hpp"
#include "stslab/mitm/attack_registry.hpp"

namespace stslab::mitm::attacks {

class BasicAttack : public Attack {
 public:
  explicit BasicAttack(AttackSpec spec) : spec_(std::move(spec)) {}
  const AttackSpec& spec() const override { return spec_; }

 private:
  AttackSpec spec_;
};

// The client's plaintext STARTTLS answered by the attacker with `reply` (the MX never sees it),
// journalled as `action`; any other command passes.
inline CommandDecision answer_starttls(const Command& command, std::string reply,
                                       std::string action) {
  if (!command.is("STARTTLS") || command.phase != Phase::plaintext) return {};
  CommandDecision d;
  d.kind = CommandDecision::Kind::answer;
  d.reply = {std::move(reply)};
  d.action = std::move(action);
  return d;
}

void register_pass(AttackRegistry& registry);
void register_strip_starttls(AttackRegistry& registry);
void register_starttls_454(AttackRegistry& registry);
void register_inject_after_starttls(AttackRegistry& registry);
void register_intercept_tls(AttackRegistry& registry);
void register_drop_after_ehlo(AttackRegistry& registry);

}  // namespace stslab::mitm::attacks
