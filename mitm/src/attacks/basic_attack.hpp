// Shared plumbing for the built-in attacks: the spec they were made from, and the register
// functions that attacks/builtin.cpp calls.
#pragma once

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

void register_pass(AttackRegistry& registry);
void register_strip_starttls(AttackRegistry& registry);
void register_starttls_454(AttackRegistry& registry);
void register_inject_after_starttls(AttackRegistry& registry);
void register_intercept_tls(AttackRegistry& registry);
void register_drop_after_ehlo(AttackRegistry& registry);

}  // namespace stslab::mitm::attacks
