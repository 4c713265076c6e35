// The attack interface. An attack is a small, stateless unit that the proxy consults at two hook
// points of every SMTP exchange it can read: when the client sends a command, and when the
// upstream answers one. It decides; the proxy does the I/O and journals the action. One object
// serves every session that started under it, from any thread, so its hooks are const.
//
// New attacks: one file in mitm/src/attacks/, a register_<name>() function listed in
// attacks/builtin.cpp, a test in tests/mitm/. See attack_registry.hpp.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "stslab/mitm/smtp_text.hpp"

namespace stslab::mitm {

// An attack as data: a registered name plus string parameters, e.g.
// {"intercept-tls", {{"profile", "self_signed"}}}. Text form: "intercept-tls profile=self_signed".
struct AttackSpec {
  std::string name = "pass";
  std::map<std::string, std::string> params;

  // Parses "name key=value key=value"; throws std::invalid_argument on a malformed parameter.
  static AttackSpec parse(std::string_view text);
  std::string to_string() const;
  nlohmann::json to_json() const;  // {"name": ..., "params": {...}}
  bool operator==(const AttackSpec&) const = default;
};

// What the proxy does with a client command.
struct CommandDecision {
  enum class Kind {
    relay,          // forward it upstream (the default)
    answer,         // do not forward; send `reply` to the client instead
    intercept_tls,  // STARTTLS only: answer 220 and terminate TLS with `server_tls`
    close,          // close both connections
  };
  Kind kind = Kind::relay;
  std::vector<std::string> reply;                         // for answer
  std::shared_ptr<boost::asio::ssl::context> server_tls;  // for intercept_tls
  std::string action;                                     // journaled as mitm.attack when non-empty
  nlohmann::json details = nlohmann::json::object();      // merged into that event's data

  static CommandDecision relay() { return {}; }
};

// What the proxy does with the upstream's reply to a relayed command (after the hook may have
// rewritten the reply in place).
struct ReplyDecision {
  std::vector<std::string> inject;  // extra lines written to the client right behind the reply
  bool close_after = false;         // close both connections once the reply is sent
  std::string action;               // journaled as mitm.attack when non-empty
  nlohmann::json details = nlohmann::json::object();
};

class Attack {
 public:
  virtual ~Attack() = default;
  virtual const AttackSpec& spec() const = 0;

  // The client sent `command` (plaintext, or inside TLS the proxy intercepted).
  virtual CommandDecision on_command(const Command& command) const {
    (void)command;
    return CommandDecision::relay();
  }
  // The upstream answered `command` with `reply`; the hook may rewrite `reply`.
  virtual ReplyDecision on_reply(const Command& command, Reply& reply) const {
    (void)command;
    (void)reply;
    return {};
  }
};

}  // namespace stslab::mitm
