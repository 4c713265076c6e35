#include "stslab/harness/policy_evidence.hpp"

#include <algorithm>
#include <sstream>

#include "stslab/core/events/https.hpp"
#include "stslab/core/names.hpp"

namespace stslab::harness {
namespace {

std::string trimmed(std::string s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

// The first "mode:" value of a raw policy body ("" if none).
std::string first_mode(const std::string& body) {
  std::istringstream lines(body);
  for (std::string line; std::getline(lines, line);) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    if (core::ascii_lower(trimmed(line.substr(0, colon))) == "mode") {
      return trimmed(line.substr(colon + 1));
    }
  }
  return {};
}

// The mode of the policy in effect at `seq` (the last entry starting at or before it).
bool enforce_at(const std::vector<ServedPolicy>& served, std::uint64_t seq) {
  bool enforce = false;
  for (const auto& s : served) {
    if (s.from_seq >= seq) break;
    enforce = s.enforce;
  }
  return enforce;
}

}  // namespace

bool serves_enforce_policy(const WorldSpec& world) {
  if (!world.sts_record || !world.policy || !world.policy_host.up ||
      world.policy_host.status != 200) {
    return false;
  }
  const auto mode = world.policy->raw ? first_mode(*world.policy->raw) : world.policy->mode;
  return mode == "enforce";
}

std::optional<std::uint64_t> enforce_policy_fetch(const std::vector<core::Event>& events,
                                                  const std::string& domain,
                                                  const std::vector<ServedPolicy>& served,
                                                  std::uint64_t before_seq) {
  const auto host = core::ascii_lower("mta-sts." + domain);
  for (const auto& e : events) {
    if (e.seq >= before_seq) break;
    if (core::ascii_lower(e.domain) != host) continue;
    const auto request = core::events::as<core::events::HttpsRequest>(e);
    if (request && request->fetched_policy() && enforce_at(served, e.seq)) return e.seq;
  }
  return std::nullopt;
}

}  // namespace stslab::harness
