// Whether a withheld message can be credited to MTA-STS (issue 10, item 7; design.md "never a
// timeout alone"). A sender that defers everything, or hangs, withholds every message; under an
// enforce policy a withholding is MTA-STS at work only if the sender demonstrably had that
// policy: the policy host answered its GET for the policy file with 200 while the scenario's
// world served an enforce policy, before the sender's deferral or bounce.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stslab/core/journal.hpp"
#include "stslab/harness/scenario.hpp"

namespace stslab::harness {

// From journal seq `from_seq` on, the world served (enforce = true) an enforce policy or not.
struct ServedPolicy {
  std::uint64_t from_seq = 0;
  bool enforce = false;
};

// True if `world` publishes an STS record and its policy host answers 200 with a policy whose
// first `mode` is enforce (a sender takes the first of a repeated field, STS-PARSE-02).
bool serves_enforce_policy(const WorldSpec& world);

// The seq of the first completed 200 GET of /.well-known/mta-sts.txt at mta-sts.<domain> made
// while `served` said enforce and before `before_seq`; nullopt if there was none.
std::optional<std::uint64_t> enforce_policy_fetch(const std::vector<core::Event>& events,
                                                  const std::string& domain,
                                                  const std::vector<ServedPolicy>& served,
                                                  std::uint64_t before_seq);

}  // namespace stslab::harness
