#include "stslab/harness/adapters/manifest.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>

#include "service_sections.hpp"
#include "stslab/core/events/catalog.hpp"
#include "stslab/harness/adapters/adapter_file.hpp"
#include "stslab/harness/bounded_yaml.hpp"

namespace stslab::harness::adapters {
namespace {

namespace fs = std::filesystem;

// Reads one stslab.adapter/1 manifest; every error names the file, the line and the key.
class Reader : public ServiceSections {
 public:
  using ServiceSections::ServiceSections;

  Manifest manifest() const {
    const YAML::Node root = load();
    schema(root, "stslab.adapter/1");
    only_keys(root, "manifest",
              {"schema", "directories", "templates", "environment", "faketime", "prepare",
               "services", "commands", "versions", "logs", "targets"});
    Manifest m;
    m.path = path();
    m.dir = fs::path(path()).parent_path().string();
    setup(root, m);
    read_commands(root["commands"], m);
    if (const auto versions = root["versions"]; versions.IsDefined()) {
      if (!versions.IsMap()) fail(versions, "versions: expected a map");
      for (const auto& kv : versions) {
        const auto name = kv.first.as<std::string>();
        m.versions[name] = command(kv.second, "versions." + name);
      }
    }
    m.logs = log_files(root["logs"]);
    const auto targets = root["targets"];
    if (!targets.IsMap() || targets.size() == 0) fail(targets, "targets: at least one is required");
    for (const auto& kv : targets) {
      const auto name = kv.first.as<std::string>();
      m.targets[name] = target(name, kv.second, "targets." + name);
    }
    return m;
  }
};

}  // namespace

bool Target::has(const std::string& feature) const {
  return feature.empty() || std::find(features.begin(), features.end(), feature) != features.end();
}

Manifest load_manifest(const std::string& path) {
  if (adapter_schema(path) == kAdapterSchema) {
    auto file = load_adapter_v2(path);
    if (auto* m = std::get_if<Manifest>(&file.runner)) return std::move(*m);
    throw ManifestError(path + ": its sender is driven by shell lines (a CommandManifest)");
  }
  try {
    return Reader(path).manifest();
  } catch (const YAML::Exception& e) {
    // A value of the wrong shape deep inside (a map where a string belongs, ...).
    throw ManifestError(describe_yaml_error(path, e));
  }
}

std::string data_root() {
  if (const char* env = std::getenv("STSLAB_DATA_DIR"); env && *env) return env;
#ifdef STSLAB_SOURCE_DIR
  const fs::path source = fs::path(STSLAB_SOURCE_DIR) / "harness";
  if (fs::is_directory(source / "adapters")) return source.string();
#endif
#ifdef STSLAB_INSTALL_DATA_DIR
  return STSLAB_INSTALL_DATA_DIR;
#else
  return "/usr/local/share/stslab";
#endif
}

std::vector<std::string> manifest_paths() {
  std::vector<std::string> out;
  const fs::path dir = fs::path(data_root()) / "adapters";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const auto manifest = entry.path() / "manifest.yaml";
    if (fs::is_regular_file(manifest)) out.push_back(manifest.string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace stslab::harness::adapters
