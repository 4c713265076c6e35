#include "world_library.hpp"

#include <algorithm>
#include <filesystem>
#include <regex>

#include "stslab/harness/bounded_yaml.hpp"
#include "world_delta.hpp"

namespace stslab::harness::detail {

namespace fs = std::filesystem;

std::optional<YAML::Node> read_yaml_file(const std::string& path, Diagnostics& diag) {
  std::vector<YAML::Node> documents;
  try {
    documents = load_bounded_yaml(path);
  } catch (const YamlLoadError& e) {
    diag.error(diag.at_line(e.line()), "", e.what());
    return std::nullopt;
  }
  if (documents.empty() || documents.front().IsNull()) {
    diag.error(diag.at_line(1), "", "the file is empty");
    return std::nullopt;
  }
  if (documents.size() > 1) {
    diag.error(documents[1], "", "more than one YAML document in the file");
    return std::nullopt;
  }
  return documents.front();
}

std::vector<std::string> WorldLibrary::names() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
      names.push_back(entry.path().stem().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string WorldLibrary::known_names() const {
  std::string list;
  for (const auto& n : names())
    list += (list.empty() ? "" : ", ") + n;
  return list;
}

bool WorldLibrary::exists(const std::string& name) const {
  const auto all = names();
  return std::find(all.begin(), all.end(), name) != all.end();
}

std::optional<WorldSpec> WorldLibrary::find(const std::string& name) {
  std::vector<std::string> chain;
  return load(name, chain);
}

void WorldLibrary::load_all() {
  for (const auto& name : names())
    find(name);
}

std::optional<WorldSpec> WorldLibrary::load(const std::string& name,
                                            std::vector<std::string>& chain) {
  if (auto it = cache_.find(name); it != cache_.end()) return it->second;
  // Only plain names: a world is a file in this directory, never a path.
  static const std::regex world_name("[a-z0-9][a-z0-9-]*");
  if (!std::regex_match(name, world_name) || !exists(name)) return std::nullopt;

  const std::string path = (fs::path(dir_) / (name + ".yaml")).string();
  Diagnostics diag(path);
  std::optional<WorldSpec> world;
  auto keys = world_keys();
  keys.push_back("world");
  if (const auto file = read_yaml_file(path, diag); file && check_map(*file, "", keys, diag)) {
    chain.push_back(name);
    const auto start = start_of(*file, chain, diag);
    chain.pop_back();
    WorldSpec spec = start.value_or(WorldSpec{});
    apply_world_delta(spec, *file, "", diag);  // checked even when the base is unusable
    if (start && diag.ok()) world = std::move(spec);
  }
  errors_.insert(errors_.end(), diag.errors().begin(), diag.errors().end());
  cache_[name] = world;
  return world;
}

std::optional<WorldSpec> WorldLibrary::start_of(const YAML::Node& root,
                                                std::vector<std::string>& chain,
                                                Diagnostics& diag) {
  const YAML::Node base = root["world"];
  if (!base) return WorldSpec{};
  const auto name = read_string(base, "world", diag);
  if (!name) return std::nullopt;
  if (std::find(chain.begin(), chain.end(), *name) != chain.end()) {
    diag.error(base, "world", "worlds start from each other in a circle ('" + *name + "' again)");
    return std::nullopt;
  }
  if (!exists(*name)) {
    diag.error(base, "world", "unknown world '" + *name + "' (known: " + known_names() + ")");
    return std::nullopt;
  }
  return load(*name, chain);  // nullopt if that world is broken; its errors are its own
}

}  // namespace stslab::harness::detail
