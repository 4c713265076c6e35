// drop-after-ehlo: the connection dies right after the capabilities were shown, before the
// client could ask for STARTTLS. Tests whether a sender retries, and how.
#include "basic_attack.hpp"

namespace stslab::mitm::attacks {

namespace {
class DropAfterEhlo final : public BasicAttack {
 public:
  using BasicAttack::BasicAttack;

  ReplyDecision on_reply(const Command& command, Reply&) const override {
    ReplyDecision d;
    if (!command.is_hello()) return d;
    d.close_after = true;
    d.action = "closed both connections after the " + command.verb + " reply";
    return d;
  }
};
}  // namespace

void register_drop_after_ehlo(AttackRegistry& registry) {
  registry.add(*find_builtin_attack("drop-after-ehlo"),
               [](const AttackSpec& spec, const AttackEnv&) {
                 return std::make_shared<DropAfterEhlo>(spec);
               });
}

}  // namespace stslab::mitm::attacks
