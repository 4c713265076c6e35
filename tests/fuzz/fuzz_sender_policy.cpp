// sender: an MTA-STS policy body as fetched from the policy host (RFC 8461 §3.2), parsed
// strictly and with the last-duplicate-wins defect; the mx patterns it lists are checked and
// matched against the MX host names of the input's first line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz_support.hpp"
#include "stslab/sender/mx_pattern.hpp"
#include "stslab/sender/policy.hpp"

using namespace stslab::sender;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = stslab::fuzz::as_text(data, size);
  const auto newline = text.find('\n');
  const std::string_view mx_line = text.substr(0, newline);
  const std::string_view body = newline == std::string_view::npos ? "" : text.substr(newline + 1);

  for (const DefectSet& defects :
       {DefectSet{}, DefectSet{Defect::last_duplicate_key_wins, Defect::wildcard_any_depth}}) {
    const PolicyParse parsed = parse_policy(body, defects);
    if (parsed.policy.has_value() == !parsed.error.empty()) std::abort();  // one or the other
    if (!parsed.policy) continue;
    const Policy& policy = *parsed.policy;
    (void)policy.lines();
    if (effective_max_age(policy, {}) > kMaxAgeCap) std::abort();
    for (const auto& pattern : policy.mx)
      (void)is_valid_mx_pattern(pattern);
    (void)mx_matches_any(mx_line, policy.mx, defects);
  }
  (void)normalize_host(mx_line);
  (void)is_valid_mx_pattern(mx_line);
  (void)parse_policy_mode(mx_line);
  return 0;
}
