// The named base worlds (scenarios/worlds/<name>.yaml), each parsed once. A world file has the
// world keys of docs/scenario-format.md and may itself start from another world (`world: name`).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "stslab/harness/scenario.hpp"
#include "yaml_reader.hpp"

namespace stslab::harness::detail {

class WorldLibrary {
 public:
  explicit WorldLibrary(std::string dir) : dir_(std::move(dir)) {}

  // The world of that name, or nullopt (a missing world; a broken one, whose errors go to
  // errors()). Errors of the world files are kept here, not in the referring scenario's.
  std::optional<WorldSpec> find(const std::string& name);
  std::vector<std::string> names() const;  // the *.yaml files in the directory, sorted
  bool exists(const std::string& name) const;
  std::string known_names() const;  // "enforce, none, ..." for error messages

  // Loads every world file (for lint: a world no scenario uses is still checked).
  void load_all();
  const std::vector<ScenarioError>& errors() const { return errors_; }

 private:
  // `chain`: the worlds being loaded, outermost first, to catch circles.
  std::optional<WorldSpec> load(const std::string& name, std::vector<std::string>& chain);
  // The world a file starts from: its `world:` base, or the defaults; nullopt if unusable.
  std::optional<WorldSpec> start_of(const YAML::Node& root, std::vector<std::string>& chain,
                                    Diagnostics& diag);

  std::string dir_;
  std::map<std::string, std::optional<WorldSpec>> cache_;
  std::vector<ScenarioError> errors_;
};

// Reads a YAML file that must hold exactly one document; records syntax errors (with the line
// yaml-cpp reports) and returns nullopt on failure.
std::optional<YAML::Node> read_yaml_file(const std::string& path, Diagnostics& diag);

}  // namespace stslab::harness::detail
