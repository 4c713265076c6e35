// The cache decisions of RFC 8461 §3.1, §3.3 and §5.1 as pure functions: given what DNS said
// and what is cached, use the cache, fetch, or go on without a policy.
#pragma once

#include <optional>
#include <string>

#include "stslab/sender/defects.hpp"
#include "stslab/sender/policy_cache.hpp"

namespace stslab::sender {

// The TXT lookup, reduced to what the decision needs.
struct TxtOutcome {
  enum class State {
    absent,         // NXDOMAIN, no data, or no usable v=STSv1 record (none / several / invalid)
    lookup_failed,  // SERVFAIL, timeout: we do not know
    valid,
  };
  State state = State::absent;
  std::string id;  // for valid
};

enum class PolicyPlan { use_cache, fetch, no_policy };

struct PlanDecision {
  PolicyPlan plan = PolicyPlan::no_policy;
  bool forget_cache = false;  // delete the cached entry (only the drop-cache defect does this)
  std::string why;
};

PlanDecision plan_policy(const TxtOutcome& txt, const std::optional<CachedPolicy>& cache,
                         WallClock::time_point now, const DefectSet& defects);

// After a failed fetch (§3.3): an unexpired cached policy still applies; without one, deliver
// as if there were no MTA-STS (or defer, with the fail-closed defect).
enum class AfterFetchFailure { use_cache, no_policy, defer };
AfterFetchFailure after_fetch_failure(const std::optional<CachedPolicy>& cache,
                                      WallClock::time_point now, const DefectSet& defects);

}  // namespace stslab::sender
