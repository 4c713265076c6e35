// Running a program under libfaketime so that its clock follows the lab clock: the one recipe
// both adapter kinds use (ManifestAdapter's `faketime: true` services, CommandAdapter's
// `time_control: faketime`). The lab rewrites the timestamp file when a scenario moves time.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace stslab::harness::adapters {

using EnvChanges = std::vector<std::pair<std::string, std::optional<std::string>>>;

// Where Debian installs libfaketime (multiarch first).
inline const std::vector<std::string> kFaketimeLibraryGlobs = {
    "/usr/lib/*/faketime/libfaketime.so.1", "/usr/lib/faketime/libfaketime.so.1"};

// The first file matching one of the glob patterns; "" if none is installed.
std::string find_faketime_library(const std::vector<std::string>& patterns);

// The environment that puts a program under `library`, reading the time from `timestamp_file`.
EnvChanges faketime_env(const std::string& library, const std::string& timestamp_file);

}  // namespace stslab::harness::adapters
