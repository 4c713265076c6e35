#include "stslab/tlsrpt/summary.hpp"

#include <algorithm>
#include <cstdio>

namespace stslab::tlsrpt {
namespace {

DomainSummary& entry_for(std::vector<DomainSummary>& out, const std::string& domain) {
  const auto it = std::find_if(out.begin(), out.end(),
                               [&](const DomainSummary& s) { return s.policy_domain == domain; });
  if (it != out.end()) return *it;
  out.push_back(DomainSummary{.policy_domain = domain});
  return out.back();
}

void add_failure(DomainSummary& s, const FailureDetail& f) {
  s.failures_by_result_type[f.result_type] += f.failed_session_count;
  s.failures_by_mx[f.receiving_mx_hostname] += f.failed_session_count;
  const auto it = std::find_if(s.failures.begin(), s.failures.end(), [&](const FailureLine& l) {
    return l.result_type == f.result_type && l.receiving_mx_hostname == f.receiving_mx_hostname;
  });
  if (it != s.failures.end()) {
    it->sessions += f.failed_session_count;
  } else {
    s.failures.push_back({f.result_type, f.receiving_mx_hostname, f.failed_session_count});
  }
}

}  // namespace

std::vector<DomainSummary> summarize(const Report& report) {
  std::vector<DomainSummary> out;
  for (const auto& p : report.policies) {
    DomainSummary& s = entry_for(out, p.policy.domain);
    if (std::find(s.policy_types.begin(), s.policy_types.end(), p.policy.type) ==
        s.policy_types.end()) {
      s.policy_types.push_back(p.policy.type);
    }
    s.successful_sessions += p.successful_sessions;
    s.failed_sessions += p.failed_sessions;
    for (const auto& f : p.failures)
      add_failure(s, f);
  }
  for (auto& s : out) {
    const std::int64_t total = s.successful_sessions + s.failed_sessions;
    // Integer arithmetic: the floor, never a rounded-up 100.00% while sessions failed.
    if (total > 0) s.success_basis_points = s.successful_sessions * 10000 / total;
  }
  return out;
}

std::string format_rate(const std::optional<std::int64_t>& basis_points) {
  if (!basis_points) return "n/a";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%lld.%02lld", static_cast<long long>(*basis_points / 100),
                static_cast<long long>(*basis_points % 100));
  return buffer;
}

}  // namespace stslab::tlsrpt
