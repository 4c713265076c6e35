// make_adapter / adapter_names (adapter.hpp) and registry.hpp: every target of every manifest.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <variant>

#include "stslab/harness/adapter.hpp"
#include "stslab/harness/adapters/adapter_file.hpp"
#include "stslab/harness/adapters/command_adapter.hpp"
#include "stslab/harness/adapters/manifest_adapter.hpp"
#include "stslab/harness/adapters/registry.hpp"

namespace stslab::harness {
namespace adapters {
namespace {

namespace fs = std::filesystem;

std::mutex g_added_mutex;
std::vector<std::string> g_added;

// A directory holds one manifest (dir/manifest.yaml) or one per subdirectory.
void manifests_in(const fs::path& dir, std::vector<std::string>& out) {
  if (fs::is_regular_file(dir / "manifest.yaml")) {
    out.push_back((dir / "manifest.yaml").string());
    return;
  }
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const auto manifest = entry.path() / "manifest.yaml";
    if (fs::is_regular_file(manifest)) found.push_back(manifest.string());
  }
  std::sort(found.begin(), found.end());
  out.insert(out.end(), found.begin(), found.end());
}

// target name -> the manifest defining it, over every manifest.
std::map<std::string, std::string> targets_by_name() {
  std::map<std::string, std::string> out;
  for (const auto& path : all_manifest_paths()) {
    for (const auto& name : load_adapter_file(path).targets(/*with_mutants=*/true)) {
      const auto [it, added] = out.emplace(name, path);
      if (!added) {
        throw ManifestError(path + ": the target '" + name + "' is also defined by " + it->second);
      }
    }
  }
  return out;
}

}  // namespace

void add_adapter_manifest(const std::string& given) {
  // A directory stands for the manifest.yaml inside it, as on STSLAB_ADAPTER_PATH.
  std::string path = given;
  if (fs::is_directory(given)) {
    path = (fs::path(given) / "manifest.yaml").string();
    if (!fs::is_regular_file(path)) {
      throw ManifestError(given +
                          ": a directory without a manifest.yaml (give the manifest "
                          "file, or the directory that holds one)");
    }
  } else if (!fs::exists(given)) {
    throw ManifestError(given + ": no such file");
  } else if (!fs::is_regular_file(given)) {
    throw ManifestError(given + ": not a regular file");
  }
  load_adapter_file(path);
  std::lock_guard lock(g_added_mutex);
  g_added.push_back(path);
}

std::vector<std::string> manifest_targets(const std::string& path) {
  return load_adapter_file(path).targets(/*with_mutants=*/false);
}

void clear_added_manifests() {
  std::lock_guard lock(g_added_mutex);
  g_added.clear();
}

std::vector<std::string> all_manifest_paths() {
  auto paths = manifest_paths();
  if (const char* env = std::getenv("STSLAB_ADAPTER_PATH"); env && *env) {
    std::istringstream entries(env);
    for (std::string entry; std::getline(entries, entry, ':');) {
      if (entry.empty()) continue;
      if (fs::is_directory(entry)) {
        manifests_in(entry, paths);
      } else if (fs::is_regular_file(entry)) {
        paths.push_back(entry);
      } else {
        throw ManifestError("STSLAB_ADAPTER_PATH: " + entry + ": no such file or directory");
      }
    }
  }
  {
    std::lock_guard lock(g_added_mutex);
    paths.insert(paths.end(), g_added.begin(), g_added.end());
  }
  // The same file reached twice (added and also on the path) counts once.
  std::vector<std::string> out;
  std::vector<fs::path> seen;
  for (const auto& p : paths) {
    std::error_code ec;
    auto canonical = fs::weakly_canonical(p, ec);
    if (ec) canonical = p;
    if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) continue;
    seen.push_back(canonical);
    out.push_back(p);
  }
  return out;
}

std::vector<Mutant> adapter_mutants() {
  std::vector<Mutant> out;
  for (const auto& path : all_manifest_paths()) {
    std::visit(
        [&](const auto& runner) {
          for (const auto& [name, t] : runner.targets) {
            if (!t.mutant_of.empty()) out.push_back({name, t.mutant_of, t.defect, t.requirements});
          }
        },
        load_adapter_file(path).runner);
  }
  std::sort(out.begin(), out.end(),
            [](const Mutant& a, const Mutant& b) { return a.target < b.target; });
  return out;
}

std::unique_ptr<MtaAdapter> AdapterFile::make(const std::string& target) const {
  if (const auto* m = std::get_if<CommandManifest>(&runner)) {
    return std::make_unique<CommandAdapter>(*m, target);
  }
  return std::make_unique<ManifestAdapter>(std::get<Manifest>(runner), target);
}

}  // namespace adapters

std::unique_ptr<MtaAdapter> make_adapter(const std::string& name) {
  const auto targets = adapters::targets_by_name();
  if (const auto it = targets.find(name); it != targets.end()) {
    return adapters::load_adapter_file(it->second).make(name);
  }
  std::string known;
  for (const auto& [n, path] : targets)
    known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument(
      "unknown MTA '" + name +
      "' (known: " + (known.empty() ? "none found under " + adapters::data_root() : known) + ")");
}

std::vector<std::string> adapter_names() {
  std::vector<std::string> names;
  for (const auto& [name, path] : adapters::targets_by_name())
    names.push_back(name);
  return names;
}

}  // namespace stslab::harness
