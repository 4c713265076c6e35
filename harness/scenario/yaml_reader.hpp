// Reading YAML nodes into typed values while collecting errors. Every reader names the field
// path ("steps[2].send", "mx.mx1.cert") and the line (yaml-cpp's Mark), records a ScenarioError
// when the value is wrong, and returns nullopt so the caller leaves its field unchanged and
// carries on: one pass over a file finds all of its mistakes.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stslab/harness/scenario.hpp"

namespace stslab::harness::detail {

class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  SourceLocation at(const YAML::Node& node) const;
  SourceLocation at_line(int line) const { return {file_, line}; }

  void error(const YAML::Node& node, std::string field, std::string message);
  void error(SourceLocation where, std::string field, std::string message);
  void add(const ScenarioError& e) { errors_.push_back(e); }

  const std::vector<ScenarioError>& errors() const { return errors_; }
  bool ok() const { return errors_.empty(); }

 private:
  std::string file_;
  std::vector<ScenarioError> errors_;
};

// 1-based line of a node; 0 when yaml-cpp has no mark for it.
int line_of(const YAML::Node& node);

// "a" + "b" -> "a.b"; "" + "b" -> "b".
std::string join_field(const std::string& prefix, const std::string& key);
std::string index_field(const std::string& prefix, std::size_t index);

std::string_view kind_name(const YAML::Node& node);  // "a map", "a list", "null", ...

// The keys of a map, checked: records unknown keys (listing the allowed ones) and repeated
// keys. Returns false (and records an error) if `node` is not a map.
bool check_map(const YAML::Node& node, const std::string& field,
               const std::vector<std::string_view>& allowed, Diagnostics& diag);

// A scalar as text (numbers and booleans as written).
std::optional<std::string> read_string(const YAML::Node& node, const std::string& field,
                                       Diagnostics& diag);
std::optional<bool> read_bool(const YAML::Node& node, const std::string& field, Diagnostics& diag);
std::optional<std::int64_t> read_int(const YAML::Node& node, const std::string& field,
                                     std::int64_t min, std::int64_t max, Diagnostics& diag);
// A list of scalars; `null` is the empty list.
std::optional<std::vector<std::string>> read_string_list(const YAML::Node& node,
                                                         const std::string& field,
                                                         Diagnostics& diag);

// Checks "{...}" placeholders in a templated text: only {domain} and {policy_id} exist.
void check_placeholders(const YAML::Node& node, const std::string& text, const std::string& field,
                        Diagnostics& diag);

}  // namespace stslab::harness::detail
