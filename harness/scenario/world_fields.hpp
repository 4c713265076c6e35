// The readers of a world's fields (docs/scenario-format.md): one key table per spec (policy,
// policy host, MX; spec_keys.hpp) and the value readers they share with world_delta.cpp.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "spec_keys.hpp"
#include "stslab/harness/scenario.hpp"
#include "yaml_reader.hpp"

namespace stslab::harness::detail {

// A certificate profile name, parsed by the PKI's own parser.
std::optional<core::CertProfile> read_profile(const YAML::Node& node, const std::string& field,
                                              Diagnostics& diag);
// A text that may hold {domain} / {policy_id}, its placeholders checked.
std::optional<std::string> read_template(const YAML::Node& node, const std::string& field,
                                         Diagnostics& diag);
std::optional<std::vector<std::string>> read_template_list(const YAML::Node& node,
                                                           const std::string& field,
                                                           Diagnostics& diag);

const std::vector<SpecKey<PolicySpec>>& policy_keys();
const std::vector<SpecKey<PolicyHostSpec>>& policy_host_keys();  // beside its settings registry
const std::vector<SpecKey<MxSpec>>& mx_keys();                   // beside its settings registry

}  // namespace stslab::harness::detail
