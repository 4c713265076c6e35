// intercept-tls: the attacker answers STARTTLS itself and completes TLS with the client using a
// certificate of its choice, then relays the decrypted session to the MX. Every command the
// client sends inside that TLS is evidence that it accepted a certificate it had to refuse.
// Parameters: profile (a core::CertProfile name, default self_signed), host (the name in the
// certificate, default the proxy's MX name), key (rsa2048 | ecdsa-p256), tls_min, tls_max.
#include "basic_attack.hpp"
#include "stslab/core/tls.hpp"

namespace stslab::mitm::attacks {

namespace {
class InterceptTls final : public BasicAttack {
 public:
  InterceptTls(AttackSpec spec, std::shared_ptr<boost::asio::ssl::context> tls,
               nlohmann::json certificate)
      : BasicAttack(std::move(spec)), tls_(std::move(tls)), certificate_(std::move(certificate)) {}

  CommandDecision on_command(const Command& command) const override {
    CommandDecision d;
    if (!command.is("STARTTLS")) return d;
    if (command.phase == Phase::intercepted_tls) {
      d.kind = CommandDecision::Kind::answer;
      d.reply = {"503 5.5.1 TLS already active"};
      return d;
    }
    d.kind = CommandDecision::Kind::intercept_tls;
    d.server_tls = tls_;
    d.action = "intercepted STARTTLS with a " + certificate_["profile"].get<std::string>() +
               " certificate for " + certificate_["host"].get<std::string>();
    d.details = certificate_;
    return d;
  }

  ReplyDecision on_reply(const Command& command, Reply& reply) const override {
    // Inside the intercepted TLS the client must not be offered STARTTLS again (an upstream
    // that refused TLS to the proxy still advertises it).
    ReplyDecision d;
    if (command.is_hello() && command.phase == Phase::intercepted_tls) {
      strip_ehlo_keyword(reply, "STARTTLS");
    }
    return d;
  }

 private:
  std::shared_ptr<boost::asio::ssl::context> tls_;
  nlohmann::json certificate_;
};
}  // namespace

void register_intercept_tls(AttackRegistry& registry) {
  registry.add(
      *find_builtin_attack("intercept-tls"), [](const AttackSpec& spec, const AttackEnv& env) {
        const auto profile = core::parse_cert_profile(param_or(spec, "profile", "self_signed"));
        const auto key = core::parse_key_type(param_or(spec, "key", "rsa2048"));
        const auto host = param_or(spec, "host", env.proxy_name);
        core::TlsVersionBounds bounds;
        if (auto v = param_or(spec, "tls_min", ""); !v.empty())
          bounds.min = core::parse_tls_version(v);
        if (auto v = param_or(spec, "tls_max", ""); !v.empty())
          bounds.max = core::parse_tls_version(v);
        const auto credential = env.pki.issue(host, profile, key);
        nlohmann::json certificate = {{"profile", std::string(core::to_string(profile))},
                                      {"host", host},
                                      {"key", std::string(core::to_string(key))}};
        return std::make_shared<InterceptTls>(spec, core::make_server_context(credential, bounds),
                                              std::move(certificate));
      });
}

}  // namespace stslab::mitm::attacks
