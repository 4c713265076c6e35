// strip-starttls: the classic downgrade. The client never learns that the MX offers STARTTLS,
// and if it asks anyway it is told the command does not exist.
#include "basic_attack.hpp"

namespace stslab::mitm::attacks {

namespace {
class StripStarttls final : public BasicAttack {
 public:
  using BasicAttack::BasicAttack;

  CommandDecision on_command(const Command& command) const override {
    return answer_starttls(command, "502 5.5.1 STARTTLS not implemented",
                           "answered STARTTLS with 502");
  }

  ReplyDecision on_reply(const Command& command, Reply& reply) const override {
    ReplyDecision d;
    if (command.is_hello() && command.phase == Phase::plaintext &&
        strip_ehlo_keyword(reply, "STARTTLS")) {
      d.action = "removed STARTTLS from EHLO reply";
    }
    return d;
  }
};
}  // namespace

void register_strip_starttls(AttackRegistry& registry) {
  registry.add(*find_builtin_attack("strip-starttls"),
               [](const AttackSpec& spec, const AttackEnv&) {
                 return std::make_shared<StripStarttls>(spec);
               });
}

}  // namespace stslab::mitm::attacks
