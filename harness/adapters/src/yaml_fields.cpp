#include "yaml_fields.hpp"

#include <algorithm>

#include "stslab/harness/bounded_yaml.hpp"

namespace stslab::harness::adapters {

void YamlFields::fail(const YAML::Node& node, const std::string& what) const {
  const int line = node.IsDefined() ? node.Mark().line + 1 : 0;
  throw ManifestError(path_ + (line > 0 ? ":" + std::to_string(line) : "") + ": " + what);
}

void YamlFields::only_keys(const YAML::Node& node, const std::string& where,
                           std::initializer_list<const char*> allowed) const {
  if (!node.IsMap()) fail(node, where + ": expected a map");
  for (const auto& kv : node) {
    const auto key = kv.first.as<std::string>();
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
      std::string list;
      for (const char* a : allowed)
        list += (list.empty() ? "" : ", ") + std::string(a);
      fail(kv.first, where + ": unknown key '" + key + "' (known: " + list + ")");
    }
  }
}

std::string YamlFields::scalar(const YAML::Node& node, const std::string& where) const {
  if (!node.IsScalar()) fail(node, where + ": expected a string");
  return node.as<std::string>();
}

std::string YamlFields::optional_scalar(const YAML::Node& map, const char* key,
                                        const std::string& where) const {
  const auto node = map[key];
  return node.IsDefined() ? scalar(node, where + "." + key) : std::string();
}

std::vector<std::string> YamlFields::strings(const YAML::Node& node,
                                             const std::string& where) const {
  if (!node.IsDefined()) return {};
  if (!node.IsSequence()) fail(node, where + ": expected a list");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < node.size(); ++i) {
    out.push_back(scalar(node[i], where + "[" + std::to_string(i) + "]"));
  }
  return out;
}

bool YamlFields::boolean(const YAML::Node& node, const std::string& where) const {
  if (!node.IsDefined()) return false;
  try {
    return node.as<bool>();
  } catch (const YAML::Exception&) {
    fail(node, where + ": expected true or false");
  }
}

std::vector<std::pair<std::string, std::optional<std::string>>> YamlFields::environment(
    const YAML::Node& node) const {
  std::vector<std::pair<std::string, std::optional<std::string>>> out;
  if (!node.IsDefined()) return out;
  if (!node.IsMap()) fail(node, "environment: expected a map");
  for (const auto& kv : node) {
    const auto name = kv.first.as<std::string>();
    if (kv.second.IsNull()) {
      out.emplace_back(name, std::nullopt);
    } else {
      out.emplace_back(name, scalar(kv.second, "environment." + name));
    }
  }
  return out;
}

YAML::Node YamlFields::load() const {
  std::vector<YAML::Node> documents;
  try {
    documents = load_bounded_yaml(path_);
  } catch (const YamlLoadError& e) {
    throw ManifestError(describe_load_error(path_, e));
  }
  if (documents.empty() || documents.front().IsNull()) {
    throw ManifestError(path_ + ": the file is empty (a manifest starts with 'schema:')");
  }
  if (documents.size() > 1) fail(documents[1], "more than one YAML document in the file");
  return documents.front();
}

void YamlFields::schema(const YAML::Node& root, const std::string& expected) const {
  // First of all: a file that is not the expected kind is told so, not that its keys are odd.
  const std::string known =
      "stslab.adapter/2, and the older stslab.adapter/1 and stslab.command-adapter/1";
  if (!root.IsMap()) fail(root, "expected a map starting with 'schema: " + expected + "'");
  const auto node = root["schema"];
  if (!node.IsDefined()) fail(root, "schema: required (" + known + ")");
  if (!node.IsScalar() || node.as<std::string>() != expected) {
    const auto got = node.IsScalar() ? "'" + node.as<std::string>() + "'" : std::string("not text");
    fail(node, "schema: " + got + " is unknown here: expected " + expected +
                   " (stslab's schemas: " + known + ")");
  }
}

}  // namespace stslab::harness::adapters
