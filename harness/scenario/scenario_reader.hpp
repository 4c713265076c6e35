// One scenario file -> one validated Scenario (docs/scenario-format.md), every mistake in the
// file recorded with its line and field.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "stslab/harness/scenario.hpp"
#include "world_library.hpp"

namespace stslab::harness::detail {

struct ReadResult {
  std::optional<Scenario> scenario;   // nullopt if the file has any error
  std::vector<ScenarioError> errors;  // the file's own; a base world's stay in the library
};

ReadResult read_scenario_file(const std::string& path, WorldLibrary& worlds);

}  // namespace stslab::harness::detail
