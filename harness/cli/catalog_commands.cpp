// `stslab list` and `stslab lint`: the catalog, without a lab.
#include <fnmatch.h>

#include <cstdlib>
#include <iostream>

#include "commands.hpp"
#include "stslab/harness/adapter.hpp"
#include "stslab/harness/adapters/registry.hpp"
#include "stslab/harness/scenario.hpp"

#ifndef STSLAB_SOURCE_DIR
#define STSLAB_SOURCE_DIR "."
#endif

namespace stslab::cli {

std::string default_scenarios_dir() {
  if (const char* env = std::getenv("STSLAB_SCENARIOS")) return env;
  return std::string(STSLAB_SOURCE_DIR) + "/scenarios";
}

bool selected(const std::string& id, const std::vector<std::string>& globs) {
  if (globs.empty()) return true;
  for (const auto& g : globs) {
    if (fnmatch(g.c_str(), id.c_str(), 0) == 0) return true;
    if (g.find_first_of("*?[") == std::string::npos &&
        (id == g || id.rfind(g.back() == '/' ? g : g + "/", 0) == 0)) {
      return true;
    }
  }
  return false;
}

int add_adapter_files(const std::vector<std::string>& files) {
  try {
    for (const auto& file : files)
      harness::adapters::add_adapter_manifest(file);
    // The whole registry as run will see it: a target name that clashes with another
    // manifest's is refused here, by list as by run.
    if (!files.empty()) harness::adapter_names();
  } catch (const std::exception& e) {
    std::cerr << "stslab: --adapter: " << e.what() << "\n";
    return kExitUsage;
  }
  return kExitOk;
}

int list_command(const std::string& scenarios_dir, const std::vector<std::string>& globs) {
  std::vector<harness::Scenario> catalog;
  try {
    catalog = harness::load_catalog(scenarios_dir);
  } catch (const harness::ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return kExitUsage;
  }
  for (const auto& s : catalog) {
    if (!selected(s.id, globs)) continue;
    std::string reqs;
    for (const auto& r : s.requirements)
      reqs += (reqs.empty() ? "" : ",") + r;
    std::cout << s.id << "\t" << harness::to_string(s.level) << "\t" << reqs << "\t" << s.title
              << "\n";
  }
  return kExitOk;
}

int lint_command(const std::string& scenarios_dir) {
  try {
    const auto catalog = harness::load_catalog(scenarios_dir);
    std::cout << "stslab lint: " << catalog.size() << " scenarios, no errors\n";
    return kExitOk;
  } catch (const harness::ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return kExitUsage;
  }
}

}  // namespace stslab::cli
