#include "stslab/tlsrpt/summary.hpp"

#include <cstdio>
#include <limits>
#include <set>
#include <unordered_map>
#include <utility>

namespace stslab::tlsrpt {
namespace {

// 128 bits for the rate: successful * 10000 overflows 64 bits from about 9.2e14 sessions on.
__extension__ using Wide = __int128;

// Adds a session count to a sum without wrapping: the sum stops at the largest int64 and
// `capped` tells. Negative counts cannot come from validate_report (a finding, not counted);
// in a hand-made Report they count as 0.
void add_count(std::int64_t& sum, std::int64_t n, bool& capped) {
  if (n <= 0) return;
  if (sum > std::numeric_limits<std::int64_t>::max() - n) {
    sum = std::numeric_limits<std::int64_t>::max();
    capped = true;
    return;
  }
  sum += n;
}

using FailureKey = std::pair<std::string, std::string>;  // (result-type, receiving MX)

struct FailureKeyHash {
  std::size_t operator()(const FailureKey& k) const {
    const std::size_t a = std::hash<std::string>{}(k.first);
    return a ^ (std::hash<std::string>{}(k.second) + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
  }
};

// One policy domain while summing; the indexes keep the work per policy and per failure
// detail constant (a linear search here made 250,000 distinct failure details take hours).
struct Tally {
  DomainSummary summary;
  std::set<std::string> types;
  std::unordered_map<FailureKey, std::size_t, FailureKeyHash> line_of;  // key -> failures[i]
};

void add_failure(Tally& t, const FailureDetail& f) {
  DomainSummary& s = t.summary;
  const std::int64_t n = f.failed_session_count;
  add_count(s.failures_by_result_type[f.result_type], n, s.sums_capped);
  add_count(s.failures_by_mx[f.receiving_mx_hostname], n, s.sums_capped);
  const auto [it, added] =
      t.line_of.try_emplace({f.result_type, f.receiving_mx_hostname}, s.failures.size());
  if (added) s.failures.push_back({f.result_type, f.receiving_mx_hostname, 0});
  add_count(s.failures[it->second].sessions, n, s.sums_capped);
}

}  // namespace

std::vector<DomainSummary> summarize(const Report& report) {
  std::vector<Tally> tallies;
  std::unordered_map<std::string, std::size_t> tally_of;  // policy-domain -> tallies[i]
  for (const auto& p : report.policies) {
    const auto [it, added] = tally_of.try_emplace(p.policy.domain, tallies.size());
    if (added) tallies.push_back(Tally{.summary = {.policy_domain = p.policy.domain}});
    Tally& t = tallies[it->second];
    DomainSummary& s = t.summary;
    if (t.types.insert(p.policy.type).second) s.policy_types.push_back(p.policy.type);
    add_count(s.successful_sessions, p.successful_sessions, s.sums_capped);
    add_count(s.failed_sessions, p.failed_sessions, s.sums_capped);
    for (const auto& f : p.failures)
      add_failure(t, f);
  }
  std::vector<DomainSummary> out;
  out.reserve(tallies.size());
  for (auto& t : tallies) {
    DomainSummary& s = t.summary;
    const Wide total = Wide{s.successful_sessions} + s.failed_sessions;
    // Integer arithmetic: the floor, never a rounded-up 100.00% while sessions failed.
    if (total > 0) {
      s.success_basis_points =
          static_cast<std::int64_t>(Wide{s.successful_sessions} * 10000 / total);
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string format_rate(const std::optional<std::int64_t>& basis_points) {
  // Only 0..10000 is a rate; anything else would print as nonsense like "-84.-46".
  if (!basis_points || *basis_points < 0 || *basis_points > 10000) return "n/a";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%lld.%02lld", static_cast<long long>(*basis_points / 100),
                static_cast<long long>(*basis_points % 100));
  return buffer;
}

}  // namespace stslab::tlsrpt
