#include "basic_attack.hpp"

namespace stslab::mitm {

void register_builtin_attacks(AttackRegistry& registry) {
  attacks::register_pass(registry);
  attacks::register_strip_starttls(registry);
  attacks::register_starttls_454(registry);
  attacks::register_inject_after_starttls(registry);
  attacks::register_intercept_tls(registry);
  attacks::register_drop_after_ehlo(registry);
}

}  // namespace stslab::mitm
