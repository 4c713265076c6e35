// Applying a partial world (the world keys of docs/scenario-format.md) over a WorldSpec. The one
// merge rule serves world files, a scenario's own deltas and `change` steps: maps merge key by
// key, lists and scalars replace, `mx` merges by label, and null removes what is optional.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "stslab/harness/scenario.hpp"
#include "yaml_reader.hpp"

namespace stslab::harness::detail {

// The keys of a world: dns, sts_record, policy_id, policy, policy_host, mx, tlsrpt_record.
const std::vector<std::string_view>& world_keys();
bool is_world_key(std::string_view key);

// Applies every world key of `map` (other keys are the caller's) over `world`; `prefix` is the
// field path of `map`. A wrong value is recorded in `diag` and leaves that field unchanged.
void apply_world_delta(WorldSpec& world, const YAML::Node& map, const std::string& prefix,
                       Diagnostics& diag);

// The MX of that label, or nullptr.
MxSpec* find_mx(WorldSpec& world, const std::string& label);
const MxSpec* find_mx(const WorldSpec& world, const std::string& label);
std::string mx_labels(const WorldSpec& world);  // "mx1, mx2" for error messages

// Sets an MX's attack from its text form "NAME [key=value ...]"; the inline parameters replace
// the old ones. Records an error (and changes nothing) if the attack is unknown or malformed.
void set_attack(MxSpec& mx, const YAML::Node& node, const std::string& field, Diagnostics& diag);

}  // namespace stslab::harness::detail
