// The capability words of scenario files (`needs:`, and those steps imply) and what each asks of
// a target's Capabilities: the one table the scenario loader (known words) and the runner (one
// check before a scenario starts) both read. docs/scenario-format.md "Capabilities".
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stslab/harness/adapter.hpp"

namespace stslab::harness {

struct CapabilityWord {
  std::string_view word;
  bool (*held)(const Capabilities&);
  std::string_view lacking;  // why a target without it cannot run the case
};

inline constexpr std::array<CapabilityWord, 6> kCapabilityWords{{
    {"flush", [](const Capabilities& c) { return c.flush; }, "the target cannot be asked to retry"},
    {"clear-cache", [](const Capabilities& c) { return c.clear_cache; },
     "the target cannot clear its policy cache"},
    {"time", [](const Capabilities& c) { return c.time_control; },
     "the target's clock cannot be moved (no time control)"},
    {"tls-rpt", [](const Capabilities& c) { return c.tls_rpt; },
     "the target sends no TLS-RPT reports"},
    // A report step: the target is told to report now, or its clock is moved past midnight.
    {"report-trigger", [](const Capabilities& c) { return c.report_flush || c.time_control; },
     "the target can neither be asked to send its TLS-RPT reports nor have its clock moved past "
     "midnight UTC"},
    {"mta-sts", [](const Capabilities& c) { return c.mta_sts; },
     "the target does not implement MTA-STS"},
}};

inline const CapabilityWord* find_capability(std::string_view word) {
  for (const auto& c : kCapabilityWords) {
    if (c.word == word) return &c;
  }
  return nullptr;
}

// Why the target cannot run a case that needs `needs` (the first it lacks), or nullopt.
inline std::optional<std::string> lacking_capability(const std::vector<std::string>& needs,
                                                     const Capabilities& caps) {
  for (const auto& need : needs) {
    const CapabilityWord* c = find_capability(need);
    if (c == nullptr || !c->held(caps)) {
      return "the target lacks the capability '" + need + "' this case needs" +
             (c == nullptr ? std::string() : ": " + std::string(c->lacking));
    }
  }
  return std::nullopt;
}

}  // namespace stslab::harness
