#include "stslab/harness/adapters/faketime.hpp"

#include <glob.h>

#include <string>

#include "stslab/harness/adapter.hpp"

namespace stslab::harness::adapters {

std::string find_faketime_library(const std::vector<std::string>& patterns) {
  for (const auto& pattern : patterns) {
    glob_t g{};
    std::string found;
    if (glob(pattern.c_str(), 0, nullptr, &g) == 0 && g.gl_pathc > 0) found = g.gl_pathv[0];
    globfree(&g);
    if (!found.empty()) return found;
  }
  return {};
}

EnvChanges faketime_env(const std::string& library, const std::string& timestamp_file) {
  return {{"LD_PRELOAD", library},
          {"FAKETIME_TIMESTAMP_FILE", timestamp_file},
          // Re-read the file once a second: the lab moves time while the program runs, and
          // waits that second out after each move (LabServices::advance, kFaketimeStaleness).
          // Re-reading it on every clock call (FAKETIME_NO_CACHE) made the resolver's event
          // loop pay a file read per call: seconds over a suite.
          {"FAKETIME_NO_CACHE", "0"},
          {"FAKETIME_CACHE_DURATION", std::to_string(kFaketimeCacheSeconds)},
          // Keeps event-loop timers (asyncio, Postfix's own) on the real clock.
          {"FAKETIME_DONT_FAKE_MONOTONIC", "1"}};
}

}  // namespace stslab::harness::adapters
