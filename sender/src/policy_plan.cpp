#include "stslab/sender/policy_plan.hpp"

namespace stslab::sender {

PlanDecision plan_policy(const TxtOutcome& txt, const std::optional<CachedPolicy>& cache,
                         WallClock::time_point now, const DefectSet& defects) {
  const bool fresh = cache && is_fresh(*cache, now, defects);
  switch (txt.state) {
    case TxtOutcome::State::valid:
      // §3.1/§3.3: the id names the policy version; the same id means the cache is current.
      // Ids are opaque: any difference means a new policy (STS-CACHE-02).
      if (fresh && cache->id == txt.id) return {PolicyPlan::use_cache, false, "cached id matches"};
      if (fresh && defects.has(Defect::ignore_id_change)) {
        return {PolicyPlan::use_cache, false, "id changed but cache kept (defect)"};
      }
      return {PolicyPlan::fetch, false, fresh ? "TXT id changed" : "no unexpired cached policy"};
    case TxtOutcome::State::absent:
      if (cache && defects.has(Defect::drop_cache_on_missing_txt)) {
        return {PolicyPlan::no_policy, true, "no TXT record: cache dropped (defect)"};
      }
      // §5.1: a missing TXT record alone does not remove a cached policy (STS-CACHE-07).
      if (fresh) return {PolicyPlan::use_cache, false, "no TXT record; unexpired cache applies"};
      return {PolicyPlan::no_policy, false, "no TXT record"};
    case TxtOutcome::State::lookup_failed:
      // §3.3: no live policy could be discovered; an unexpired cached one applies.
      if (fresh)
        return {PolicyPlan::use_cache, false, "TXT lookup failed; unexpired cache applies"};
      return {PolicyPlan::no_policy, false, "TXT lookup failed"};
  }
  return {PolicyPlan::no_policy, false, "unreachable"};
}

AfterFetchFailure after_fetch_failure(const std::optional<CachedPolicy>& cache,
                                      WallClock::time_point now, const DefectSet& defects) {
  if (cache && is_fresh(*cache, now, defects)) return AfterFetchFailure::use_cache;
  if (defects.has(Defect::fail_closed_on_fetch_error)) return AfterFetchFailure::defer;
  return AfterFetchFailure::no_policy;  // §3.3 (STS-FETCH-09)
}

}  // namespace stslab::sender
