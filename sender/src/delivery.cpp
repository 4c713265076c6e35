#include "stslab/sender/delivery.hpp"

#include <algorithm>

#include "stslab/sender/mx_pattern.hpp"
#include "stslab/sender/resolver.hpp"

namespace stslab::sender {
namespace {

struct Candidate {
  std::string host;
};

// RFC 5321 §5.1: MX hosts by preference; with no MX records the domain itself (implicit MX).
// Returns an outcome instead when the lookup already decides the message's fate.
std::optional<DeliveryOutcome> candidates_for(const std::string& domain, Resolver& resolver,
                                              std::vector<Candidate>& out) {
  auto mx = resolver.mx(domain);
  DeliveryOutcome end;
  switch (mx.status) {
    case DnsStatus::error:
      end.state = DeliveryState::deferred;
      end.reason = "MX lookup for " + domain + " failed: " + mx.detail;
      return end;
    case DnsStatus::nxdomain:
      end.state = DeliveryState::bounced;
      end.reason = "domain " + domain + " does not exist";
      return end;
    case DnsStatus::nodata:
      out.push_back({domain});
      return std::nullopt;
    case DnsStatus::ok:
      break;
  }
  std::stable_sort(mx.records.begin(), mx.records.end(), [](const MxRecord& a, const MxRecord& b) {
    return a.preference < b.preference;
  });
  for (const auto& r : mx.records) {
    if (!r.host.empty()) out.push_back({r.host});  // "." is the null MX (RFC 7505)
  }
  if (out.empty()) {
    end.state = DeliveryState::bounced;
    end.reason = "domain " + domain + " accepts no mail (null MX)";
    return end;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(DeliveryState s) {
  switch (s) {
    case DeliveryState::delivered:
      return "delivered";
    case DeliveryState::deferred:
      return "deferred";
    case DeliveryState::bounced:
      return "bounced";
  }
  return "deferred";
}

TlsRule tls_rule_for(const ActivePolicy& p) {
  if (!p.policy) return TlsRule::opportunistic;
  switch (p.policy->mode) {
    case PolicyMode::enforce:
      return TlsRule::enforce;
    case PolicyMode::testing:
      return TlsRule::testing;
    case PolicyMode::none:
      return TlsRule::opportunistic;
  }
  return TlsRule::opportunistic;
}

DeliveryOutcome deliver(const std::string& domain, const ActivePolicy& policy, Resolver& resolver,
                        std::uint16_t smtp_port, const Envelope& envelope, AttemptContext& ctx,
                        const AttemptObserver& observe) {
  std::vector<Candidate> candidates;
  if (auto decided = candidates_for(domain, resolver, candidates)) return *decided;

  DeliveryOutcome out;
  const TlsRule rule = tls_rule_for(policy);
  auto record = [&](const Attempt& a) {
    out.attempts.push_back(a);
    if (observe) observe(a);
  };

  for (const auto& candidate : candidates) {
    // §4.1: under enforce or testing the MX must match one of the policy's mx patterns.
    std::vector<std::string> known;
    if (rule != TlsRule::opportunistic && !ctx.defects.has(Defect::ignore_mx_match) &&
        !mx_matches_any(candidate.host, policy.policy->mx, ctx.defects)) {
      if (rule == TlsRule::enforce) {
        Attempt skipped;
        skipped.mx = candidate.host;
        skipped.result = "mx-not-in-policy";
        skipped.detail = "not matched by any mx pattern of the policy";
        skipped.tls_failures = {"mx-not-in-policy"};
        skipped.tls_failure_detail = skipped.detail;
        record(skipped);
        continue;  // §5: treat it like an unreachable MX; never connect
      }
      known.push_back("mx-not-in-policy");  // testing: recorded, delivery goes on
    }
    auto addresses = resolver.a(candidate.host);
    if (addresses.status != DnsStatus::ok) {
      Attempt none;
      none.mx = candidate.host;
      none.result = "connect-failed";
      none.detail = addresses.status == DnsStatus::error
                        ? "address lookup failed: " + addresses.detail
                        : "no IPv4 address";
      record(none);
      continue;
    }
    for (const auto& address : addresses.records) {
      const boost::asio::ip::tcp::endpoint endpoint(address, smtp_port);
      Attempt a = attempt_delivery(candidate.host, endpoint, rule, false, envelope, ctx, known);
      if (a.next == Attempt::Next::retry_plaintext) {
        record(a);
        a = attempt_delivery(candidate.host, endpoint, rule, true, envelope, ctx, known);
      }
      record(a);
      out.tls = a.tls;
      switch (a.next) {
        case Attempt::Next::delivered:
          out.state = DeliveryState::delivered;
          out.mx = a.mx;
          out.reason = "delivered to " + a.mx + " (" + a.address + ") over " +
                       (a.tls == "none" ? std::string("plaintext") : a.tls + " TLS") + ": " +
                       a.detail;
          return out;
        case Attempt::Next::deferred:
        case Attempt::Next::bounced:
          out.state =
              a.next == Attempt::Next::deferred ? DeliveryState::deferred : DeliveryState::bounced;
          out.mx = a.mx;
          out.reason = a.mx + " refused the message: " + a.detail;
          return out;
        case Attempt::Next::try_next:
        case Attempt::Next::retry_plaintext:
          break;
      }
    }
  }
  // §5 / STS-APPLY-07: every candidate failed; that is temporary, the message stays queued.
  out.state = DeliveryState::deferred;
  out.tls = "none";
  std::string reason = "no MX accepted the message:";
  for (const auto& a : out.attempts) {
    reason += " " + a.mx + (a.address.empty() ? "" : " (" + a.address + ")") + ": " + a.result +
              " (" + a.detail + ");";
  }
  reason.pop_back();
  out.reason = reason;
  return out;
}

}  // namespace stslab::sender
