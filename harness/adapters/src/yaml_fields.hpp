// Reading one manifest file with errors that name the file, the line and the key: the checks
// every manifest schema (stslab.adapter/2 and the older /1 two) shares. Private to src/.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stslab/harness/adapters/manifest.hpp"

namespace stslab::harness::adapters {

class YamlFields {
 public:
  explicit YamlFields(std::string path) : path_(std::move(path)) {}

  const std::string& path() const { return path_; }

  // Throws ManifestError "file:line: what" (no line when the node is missing).
  [[noreturn]] void fail(const YAML::Node& node, const std::string& what) const;
  // A map whose keys are all in `allowed`; an unknown key is an error listing the known ones.
  void only_keys(const YAML::Node& node, const std::string& where,
                 std::initializer_list<const char*> allowed) const;
  std::string scalar(const YAML::Node& node, const std::string& where) const;
  // "" when the key is absent.
  std::string optional_scalar(const YAML::Node& map, const char* key,
                              const std::string& where) const;
  // A list of strings; an absent node is an empty list.
  std::vector<std::string> strings(const YAML::Node& node, const std::string& where) const;
  // false when absent.
  bool boolean(const YAML::Node& node, const std::string& where) const;
  // The `environment:` map: a value sets the variable, null removes it. Empty when absent.
  std::vector<std::pair<std::string, std::optional<std::string>>> environment(
      const YAML::Node& node) const;
  // The file's root, read within bounded_yaml.hpp's limits; a syntax error names the file and
  // the line.
  YAML::Node load() const;
  // The root is a map whose `schema` is `expected`: checked before anything else.
  void schema(const YAML::Node& root, const std::string& expected) const;

 private:
  std::string path_;
};

}  // namespace stslab::harness::adapters
