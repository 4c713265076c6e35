// Running a program under libfaketime so that its clock follows the lab clock: the one recipe
// for everything the lab starts (ManifestAdapter's `faketime: true` services, CommandAdapter's
// `time_control: faketime`, and the tests' own client programs when the lab starts at another
// instant, STSLAB_LAB_START). The lab rewrites the timestamp file when a scenario moves time.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stslab/core/clock.hpp"

namespace stslab::core {

using EnvChanges = std::vector<std::pair<std::string, std::optional<std::string>>>;

// libfaketime's cache of the timestamp file, in seconds (FAKETIME_CACHE_DURATION). 0 does not
// turn the cache off: it re-reads the file at the first clock call of each new second of real
// time (measured with Debian's 0.9.10), so a program may keep an old time for up to
// kFaketimeStaleness after the file changes, and the lab waits that long after moving its
// clock. (1 s of cache means up to 2 s of staleness; no cache at all, a file read on every
// clock call, cost the Postfix suite seconds of CPU.)
inline constexpr int kFaketimeCacheSeconds = 0;
inline constexpr std::chrono::milliseconds kFaketimeStaleness{1010};  // 1 s + clock-rate margin

// Where Debian installs libfaketime (multiarch first).
inline const std::vector<std::string> kFaketimeLibraryGlobs = {
    "/usr/lib/*/faketime/libfaketime.so.1", "/usr/lib/faketime/libfaketime.so.1"};

// The first file matching one of the glob patterns; "" if none is installed.
std::string find_faketime_library(const std::vector<std::string>& patterns = kFaketimeLibraryGlobs);

// The environment that puts a program under `library`, reading the time from `timestamp_file`.
EnvChanges faketime_env(const std::string& library, const std::string& timestamp_file);

// The environment that puts a program at a fixed offset from the real clock (no file): what a
// one-off client needs to share the lab's time. Empty when `offset` is zero (the real clock
// needs no libfaketime); throws std::runtime_error when libfaketime is not installed.
EnvChanges faketime_offset_env(LabClock::duration offset);

}  // namespace stslab::core
