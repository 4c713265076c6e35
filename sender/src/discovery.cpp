#include "stslab/sender/discovery.hpp"

#include <ostream>

#include "stslab/sender/policy_plan.hpp"
#include "stslab/sender/resolver.hpp"
#include "stslab/sender/txt_record.hpp"

namespace stslab::sender {
namespace {

TxtOutcome look_up_txt(const std::string& domain, DiscoveryInputs& in, std::string& note) {
  // §3.1: the record lives at _mta-sts.<domain>; CNAMEs are followed by the resolver.
  auto answer = in.resolver.txt("_mta-sts." + domain);
  if (answer.status == DnsStatus::error) {
    note = "TXT lookup failed: " + answer.detail;
    return {TxtOutcome::State::lookup_failed, {}};
  }
  const auto selection = select_sts_record(answer.records, in.defects);
  switch (selection.kind) {
    case TxtSelection::Kind::valid:
      note = "TXT id " + selection.id;
      return {TxtOutcome::State::valid, selection.id};
    case TxtSelection::Kind::none:
      note = answer.status == DnsStatus::nxdomain ? "no TXT record (NXDOMAIN)" : selection.detail;
      break;
    case TxtSelection::Kind::multiple:
      note = "TXT ignored: " + selection.detail;
      break;
    case TxtSelection::Kind::invalid:
      note = "TXT record '" + selection.record + "' invalid: " + selection.detail;
      break;
  }
  // §3.1: not exactly one valid record = no policy is available from DNS.
  return {TxtOutcome::State::absent, {}};
}

void use_cached(ActivePolicy& out, const CachedPolicy& c) {
  out.policy = c.policy;
  out.id = c.id;
  out.source = "cache";
}

}  // namespace

ActivePolicy discover_policy(const std::string& domain, DiscoveryInputs& in) {
  ActivePolicy out;
  out.domain = domain;
  std::string txt_note;
  const TxtOutcome txt = look_up_txt(domain, in, txt_note);

  std::string cache_problem;
  auto cached = in.cache.load(domain, &cache_problem);
  if (!cache_problem.empty())
    in.diag << "stslab-sender: ignoring bad cache file " << cache_problem << '\n';

  // The wall clock: cache ages must follow time() (libfaketime), never a monotonic clock.
  const auto now = WallClock::now();
  const auto decision = plan_policy(txt, cached, now, in.defects);
  out.note = txt_note + "; " + decision.why;
  if (decision.forget_cache) in.cache.remove(domain);

  switch (decision.plan) {
    case PolicyPlan::use_cache:
      use_cached(out, *cached);
      return out;
    case PolicyPlan::no_policy:
      return out;
    case PolicyPlan::fetch:
      break;
  }

  out.fetched = true;
  auto fetched = fetch_policy(domain, in.resolver, in.trust, in.fetch, in.defects);
  if (fetched.policy) {
    // §3.3/§8.3: a newly fetched valid policy replaces the cached one, mode none included.
    CachedPolicy entry{domain, txt.id, now, *fetched.policy};
    try {
      in.cache.store(entry);
    } catch (const std::exception& e) {
      in.diag << "stslab-sender: cannot cache the policy: " << e.what() << '\n';
    }
    out.policy = std::move(fetched.policy);
    out.id = txt.id;
    out.source = "fetched";
    return out;
  }
  out.fetch_local_address = fetched.local_address;
  out.fetch_failure = fetched.failure;
  out.fetch_detail = fetched.url + ": " + fetched.detail;
  out.note += "; fetch failed (" + fetched.failure + ": " + fetched.detail + ")";
  in.diag << "stslab-sender: policy fetch for " << domain << " failed: " << out.fetch_detail
          << '\n';
  switch (after_fetch_failure(cached, now, in.defects)) {
    case AfterFetchFailure::use_cache:
      use_cached(out, *cached);
      out.note += "; unexpired cached policy applies";
      break;
    case AfterFetchFailure::no_policy:
      out.note += "; delivering as if there were no MTA-STS";
      break;
    case AfterFetchFailure::defer:
      out.defer = true;
      out.note += "; deferring (fail-closed defect)";
      break;
  }
  return out;
}

}  // namespace stslab::sender
