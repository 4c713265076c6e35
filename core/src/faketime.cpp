#include "stslab/core/faketime.hpp"

#include <glob.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace stslab::core {
namespace {

// libfaketime must come first in LD_PRELOAD, ahead of an ASan runtime that a sanitizer build's
// programs would want first: ASan refuses to start a program whose runtime is not first unless
// told not to check. A program built without ASan ignores the option.
std::pair<std::string, std::optional<std::string>> asan_link_order_unchecked() {
  std::string options = "verify_asan_link_order=0";
  if (const char* set = std::getenv("ASAN_OPTIONS"); set && *set) {
    options = std::string(set) + ":" + options;
  }
  return {"ASAN_OPTIONS", options};
}

}  // namespace

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
          {"FAKETIME_DONT_FAKE_MONOTONIC", "1"},
          asan_link_order_unchecked()};
}

EnvChanges faketime_offset_env(LabClock::duration offset) {
  if (offset == LabClock::duration::zero()) return {};
  const auto library = find_faketime_library();
  if (library.empty()) {
    throw std::runtime_error(std::string(kLabStartVariable) +
                             " is set, but libfaketime is not installed (Debian package "
                             "faketime): a client program cannot share the lab's time");
  }
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(offset).count();
  return {{"LD_PRELOAD", library},
          {"FAKETIME", (seconds >= 0 ? "+" : "") + std::to_string(seconds)},
          {"FAKETIME_TIMESTAMP_FILE", std::nullopt},
          {"FAKETIME_DONT_FAKE_MONOTONIC", "1"},
          asan_link_order_unchecked()};
}

}  // namespace stslab::core
