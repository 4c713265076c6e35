// The timeline of a scenario: each step is a bare word or a one-key map (docs/scenario-format.md
// "Steps"). Shorthands (attack, bump_id, remove_sts_record) become `change` steps, and every
// change step carries the whole world after it, so the engine only has to diff.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "stslab/harness/scenario.hpp"
#include "yaml_reader.hpp"

namespace stslab::harness::detail {

struct Timeline {
  std::vector<Step> steps;
  std::map<std::string, int> sent;         // message name -> line of its send step
  std::vector<std::string> implied_needs;  // from flush, advance, clear_cache, report
};

// `world` is the world before the first step. With `world_known` false (the base world could not
// be loaded) MX labels are not checked, so one mistake does not cascade.
Timeline read_steps(const YAML::Node& list, const WorldSpec& world, bool world_known,
                    Diagnostics& diag);

// The next policy id: the trailing number counted up ("1" -> "2", "a9" -> "a10"), or "2"
// appended when there is none ("abc" -> "abc2"). Stays ALPHA/DIGIT when the old id was.
std::string next_policy_id(const std::string& id);

}  // namespace stslab::harness::detail
