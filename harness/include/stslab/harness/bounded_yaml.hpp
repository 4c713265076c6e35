// Reading the YAML files people write for stslab (scenarios, base worlds, adapter manifests,
// expectations) within limits, so that a broken or hostile file costs an error message, not
// gigabytes: a regular file of at most kMaxYamlFileBytes, and anchors and aliases allowed only
// while the text they expand to stays within kMaxYamlExpandedBytes (an alias repeats its anchor's
// whole subtree: `[&s "<1 MB>", *s, *s, ...]` is a gigabyte). Checked on yaml-cpp's event
// stream before any node is built.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace stslab::harness {

inline constexpr std::size_t kMaxYamlFileBytes = 1024 * 1024;
inline constexpr std::size_t kMaxYamlExpandedBytes = 8 * 1024 * 1024;

// What is wrong and on which line (1-based; 0 = the whole file). what() is the message alone:
// callers prefix the file in their own style.
class YamlLoadError : public std::runtime_error {
 public:
  YamlLoadError(int line, const std::string& message) : std::runtime_error(message), line_(line) {}
  int line() const { return line_; }

 private:
  int line_;
};

// Every document of the file. Throws YamlLoadError: "cannot read the file: <reason>", "is a
// directory, not a file", "is larger than 1048576 octets", "YAML syntax error: <yaml-cpp's
// words>", "anchors and aliases expand to more than 8388608 octets".
std::vector<YAML::Node> load_bounded_yaml(const std::string& path);

// "file:line: message" (or "file: message" without a line) for an error that yaml-cpp raised
// while a reader converted a node, in words a person can act on: "bad conversion" becomes "a
// value of the wrong kind here ...", "invalid node" "a value is missing here".
std::string describe_yaml_error(const std::string& path, const YAML::Exception& e);
std::string describe_load_error(const std::string& path, const YamlLoadError& e);

}  // namespace stslab::harness
