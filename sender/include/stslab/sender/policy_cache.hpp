// The on-disk policy cache: one JSON file per policy domain under STATE_DIR/policies/.
// Ages are measured on the wall clock (system_clock / time()), so libfaketime can move them.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "stslab/sender/defects.hpp"
#include "stslab/sender/policy.hpp"

namespace stslab::sender {

using WallClock = std::chrono::system_clock;

struct CachedPolicy {
  std::string domain;
  std::string id;  // the TXT id the policy was fetched under
  WallClock::time_point fetched_at;
  Policy policy;
};

// Fresh while the time since the fetch is less than the (capped) max_age; max_age 0 is never
// fresh (STS-CACHE-04). A fetch time in the future (clock moved back) counts as age 0.
bool is_fresh(const CachedPolicy& c, WallClock::time_point now, const DefectSet& defects);

class PolicyCache {
 public:
  explicit PolicyCache(std::filesystem::path state_dir);

  // A file that is missing, unreadable or malformed is no cache entry (`problem` says why, for
  // the diagnostics, when the file exists but is bad).
  std::optional<CachedPolicy> load(const std::string& domain, std::string* problem = nullptr) const;
  // Replaces the entry atomically (write to a temporary file, then rename). Throws on I/O errors.
  void store(const CachedPolicy& entry) const;
  void remove(const std::string& domain) const;

  std::filesystem::path file_for(const std::string& domain) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace stslab::sender
