// Policy discovery for one delivery (RFC 8461 §3, §5.1): the TXT lookup, the cache decision,
// the fetch when needed, and the cache update. Returns the policy to apply, if any.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "stslab/sender/defects.hpp"
#include "stslab/sender/policy.hpp"
#include "stslab/sender/policy_cache.hpp"
#include "stslab/sender/policy_fetch.hpp"

namespace stslab::sender {

class Resolver;
class Trust;

struct ActivePolicy {
  std::string domain;            // the policy domain
  std::optional<Policy> policy;  // the policy in force (mode none included), or none
  std::string id;                // its id
  std::string source = "none";   // fetched | cache | none
  bool defer = false;            // fail-closed defect: do not deliver at all
  std::string note;              // how the decision was reached, for reasons and logs
  // The outcome of a fetch, when one was tried: "" (success) or the TLS-RPT failure type.
  bool fetched = false;
  std::string fetch_failure;
  std::string fetch_detail;
  std::string fetch_local_address;  // our address on the fetch connection (sending-mta-ip)
};

struct DiscoveryInputs {
  Resolver& resolver;
  Trust& trust;
  PolicyCache& cache;
  FetchOptions fetch;
  DefectSet defects;
  std::ostream& diag;  // diagnostics (stderr)
};

ActivePolicy discover_policy(const std::string& policy_domain, DiscoveryInputs& in);

}  // namespace stslab::sender
