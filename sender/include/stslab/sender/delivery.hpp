// Delivering one message to the recipient domain's MX hosts under the active policy
// (RFC 8461 §4, §5, §5.1): MX lookup, the mx-pattern check, one attempt per candidate address in
// preference order, until one delivers or the server gives a final answer.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "stslab/sender/delivery_attempt.hpp"
#include "stslab/sender/discovery.hpp"

namespace stslab::sender {

class Resolver;

enum class DeliveryState { delivered, deferred, bounced };
std::string_view to_string(DeliveryState s);

struct DeliveryOutcome {
  DeliveryState state = DeliveryState::deferred;
  std::string tls = "none";
  std::optional<std::string> mx;  // the MX that took or refused the message
  std::string reason;
  std::vector<Attempt> attempts;
};

// The TLS rule for a policy (none or mode none: opportunistic).
TlsRule tls_rule_for(const ActivePolicy& p);

using AttemptObserver = std::function<void(const Attempt&)>;

DeliveryOutcome deliver(const std::string& domain, const ActivePolicy& policy, Resolver& resolver,
                        std::uint16_t smtp_port, const Envelope& envelope, AttemptContext& ctx,
                        const AttemptObserver& observe);

}  // namespace stslab::sender
