// The catalog: every scenario file under a directory, with every error of every file, and the
// checks that span files (unique ids, ids that match the files' places).
#include <algorithm>
#include <filesystem>
#include <map>

#include "scenario_reader.hpp"
#include "stslab/harness/scenario.hpp"
#include "world_library.hpp"

namespace stslab::harness {
namespace {

namespace fs = std::filesystem;
using namespace detail;

std::vector<std::string> catalog_files(const fs::path& dir, const fs::path& worlds) {
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    // Base worlds and the targets' known deviations live beside the cases but are not cases.
    if (it->is_directory() && (it->path() == worlds || it->path() == dir / "expectations")) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && it->path().extension() == ".yaml") {
      files.push_back(it->path().generic_string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

Scenario load_scenario(const std::string& path, const std::string& worlds_dir) {
  WorldLibrary worlds(worlds_dir);
  auto [scenario, file_errors] = read_scenario_file(path, worlds);
  std::vector<ScenarioError> errors = worlds.errors();
  errors.insert(errors.end(), file_errors.begin(), file_errors.end());
  if (errors.size() == 1) throw errors.front();
  if (!errors.empty()) throw CatalogError(std::move(errors));
  return std::move(*scenario);
}

Catalog scan_catalog(const std::string& dir) {
  Catalog catalog;
  const fs::path root(dir);
  if (!fs::is_directory(root)) {
    catalog.errors.emplace_back(SourceLocation{dir, 0}, "", "no such directory");
    return catalog;
  }
  const fs::path worlds_dir = root / "worlds";
  WorldLibrary worlds(worlds_dir.string());
  worlds.load_all();

  std::map<std::string, SourceLocation> ids;  // id -> where it was first seen
  std::vector<ScenarioError> file_errors;
  for (const auto& file : catalog_files(root, worlds_dir)) {
    auto [scenario, errors] = read_scenario_file(file, worlds);
    file_errors.insert(file_errors.end(), errors.begin(), errors.end());
    if (!scenario) continue;
    // The file's place mirrors its id, so a reader can find a case from a report line.
    const std::string expected_id =
        fs::path(file).lexically_relative(root).replace_extension().generic_string();
    bool ok = true;
    if (expected_id != scenario->id) {
      file_errors.emplace_back(scenario->where, "id",
                               "'" + scenario->id +
                                   "' does not match the file's place; a file "
                                   "with this id belongs at " +
                                   (root / (scenario->id + ".yaml")).generic_string());
      ok = false;
    }
    if (const auto [it, fresh] = ids.emplace(scenario->id, scenario->where); !fresh) {
      file_errors.emplace_back(
          scenario->where, "id",
          "duplicate id '" + scenario->id + "', also in " + it->second.to_string());
      ok = false;
    }
    if (ok) catalog.scenarios.push_back(std::move(*scenario));
  }
  catalog.errors = worlds.errors();
  catalog.errors.insert(catalog.errors.end(), file_errors.begin(), file_errors.end());
  if (catalog.scenarios.empty() && catalog.errors.empty()) {
    catalog.errors.emplace_back(SourceLocation{dir, 0}, "", "no scenario files (*.yaml) found");
  }
  return catalog;
}

std::vector<Scenario> load_catalog(const std::string& dir) {
  Catalog catalog = scan_catalog(dir);
  if (!catalog.errors.empty()) throw CatalogError(std::move(catalog.errors));
  return std::move(catalog.scenarios);
}

}  // namespace stslab::harness
