#include "stslab/sender/send.hpp"

#include <unistd.h>

#include <ctime>
#include <fstream>
#include <ostream>
#include <random>
#include <sstream>

#include "stslab/sender/delivery.hpp"
#include "stslab/sender/discovery.hpp"
#include "stslab/sender/dkim.hpp"
#include "stslab/sender/mx_pattern.hpp"
#include "stslab/sender/resolver.hpp"
#include "stslab/sender/session_log.hpp"
#include "stslab/sender/smtp_reply.hpp"
#include "stslab/sender/trust.hpp"

namespace stslab::sender {
namespace {

std::string make_message_id() {
  std::random_device rd;
  std::ostringstream s;
  s << std::hex << std::time(nullptr) << '.' << ::getpid() << '.' << rd() << "@stslab-sender";
  return s.str();
}

nlohmann::json policy_json(const ActivePolicy& p) {
  if (!p.policy) return nullptr;
  return {{"domain", p.domain},
          {"id", p.id},
          {"mode", to_string(p.policy->mode)},
          {"source", p.source}};
}

int exit_code_for(DeliveryState s) {
  switch (s) {
    case DeliveryState::delivered:
      return kExitDelivered;
    case DeliveryState::bounced:
      return kExitBounced;
    case DeliveryState::deferred:
      return kExitDeferred;
  }
  return kExitDeferred;
}

SendResult usage_error(std::ostream& diag, const std::string& message) {
  diag << "stslab-sender: " << message << '\n';
  return {nullptr, kExitUsage};
}

}  // namespace

std::string local_host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

SendResult send_message(const SendOptions& o, std::ostream& diag) {
  const auto at = o.to.rfind('@');
  if (at == std::string::npos || at + 1 == o.to.size()) {
    return usage_error(diag, "--to must be an address with a domain: " + o.to);
  }
  // The recipient domain is the policy domain (§3.4; no smart host here).
  const std::string domain = normalize_host(o.to.substr(at + 1));
  std::ifstream in(o.message_file, std::ios::binary);
  if (!in) return usage_error(diag, "cannot read the message file " + o.message_file);
  const std::string message((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  const std::string id = o.message_id.empty() ? make_message_id() : o.message_id;
  nlohmann::json line = {{"id", id},
                         {"recipient", o.to},
                         {"state", "deferred"},
                         {"tls", "none"},
                         {"mx", nullptr},
                         {"policy", nullptr},
                         {"reason", ""},
                         {"attempts", nlohmann::json::array()}};

  std::unique_ptr<Resolver> resolver;
  std::unique_ptr<Trust> trust;
  try {
    resolver = std::make_unique<Resolver>(o.dns, o.timeout);
    trust = std::make_unique<Trust>(o.ca_file);
  } catch (const std::invalid_argument& e) {
    return usage_error(diag, e.what());
  } catch (const std::exception& e) {
    // The environment, not the caller, is at fault: try again later.
    line["reason"] = std::string("local setup failed: ") + e.what();
    diag << "stslab-sender: " << e.what() << '\n';
    return {line, kExitDeferred};
  }

  try {
    PolicyCache cache(o.state_dir);
    const auto from_at = o.from.rfind('@');
    SessionLog log(
        o.state_dir, id,
        from_at == std::string::npos ? std::string() : normalize_host(o.from.substr(from_at + 1)),
        o.defects);
    ensure_dkim_key(o.key_dir.empty() ? o.state_dir : o.key_dir,
                    diag);  // so a lab can publish it before the first report
    DiscoveryInputs inputs{*resolver, *trust,
                           cache,     FetchOptions{.port = o.https_port, .step_timeout = o.timeout},
                           o.defects, diag};
    const ActivePolicy policy = discover_policy(domain, inputs);
    log.policy_event(policy);
    line["policy"] = policy_json(policy);
    if (policy.defer) {
      line["reason"] = "policy discovery: " + policy.note;
      return {line, kExitDeferred};
    }

    Envelope envelope{o.from, o.to, data_payload(message)};
    AttemptContext ctx{*trust, o.defects, o.timeout, o.helo.empty() ? local_host_name() : o.helo};
    auto outcome = deliver(domain, policy, *resolver, o.smtp_port, envelope, ctx,
                           [&](const Attempt& a) { log.session(policy, a); });
    line["state"] = to_string(outcome.state);
    line["tls"] = outcome.tls;
    line["mx"] = outcome.mx ? nlohmann::json(*outcome.mx) : nlohmann::json(nullptr);
    line["reason"] = outcome.reason + " [policy: " + policy.note + "]";
    for (const auto& a : outcome.attempts) {
      line["attempts"].push_back(
          {{"mx", a.mx},
           {"address", a.address.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.address)},
           {"result", a.result},
           {"detail", a.detail}});
    }
    return {line, exit_code_for(outcome.state)};
  } catch (const std::exception& e) {
    // Whatever went wrong, the message is not lost: it is deferred with the reason.
    line["state"] = "deferred";
    line["reason"] = std::string("internal error: ") + e.what();
    diag << "stslab-sender: internal error: " << e.what() << '\n';
    return {line, kExitDeferred};
  }
}

}  // namespace stslab::sender
