// A throwaway scenario directory for tests: base worlds and scenario files written from strings.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "stslab/harness/scenario.hpp"

namespace stslab::harness::testing {

inline constexpr const char* enforce_world = R"(sts_record: "v=STSv1; id={policy_id}"
policy_id: "1"
policy:
  version: STSv1
  mode: enforce
  mx: ["mx1.{domain}"]
  max_age: 86400
policy_host: {up: true, cert: valid, status: 200, content_type: text/plain}
mx:
  mx1: {preference: 10, cert: valid, starttls: true, attack: pass}
)";

class TempCatalog {
 public:
  TempCatalog() {
    std::string pattern = (std::filesystem::temp_directory_path() / "stslab-scn-XXXXXX").string();
    dir_ = mkdtemp(pattern.data());
    write("worlds/enforce.yaml", enforce_world);
  }
  ~TempCatalog() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempCatalog(const TempCatalog&) = delete;
  TempCatalog& operator=(const TempCatalog&) = delete;

  // Writes `text` to dir/relative (directories created); returns the full path.
  std::string write(const std::string& relative, const std::string& text) {
    const auto path = std::filesystem::path(dir_) / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path.generic_string();
  }
  const std::string& dir() const { return dir_; }
  std::string worlds() const { return dir_ + "/worlds"; }

  Scenario load(const std::string& relative, const std::string& text) {
    return load_scenario(write(relative, text), worlds());
  }

  // Every error of loading that file (none: empty).
  std::vector<ScenarioError> errors_of(const std::string& relative, const std::string& text) {
    try {
      load(relative, text);
    } catch (const CatalogError& e) {
      return e.errors();
    } catch (const ScenarioError& e) {
      return {e};
    }
    return {};
  }

 private:
  std::string dir_;
};

}  // namespace stslab::harness::testing
