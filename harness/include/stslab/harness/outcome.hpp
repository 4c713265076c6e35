// The words stslab judges with: what happened to a message (outcome), how strongly the RFC asks
// (level), and the verdict that compares the two. design.md "Outcome vocabulary" defines them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stslab::harness {

enum class Outcome {
  delivered_tls,            // DATA completed in TLS to an MX whose certificate a sender accepts
  delivered_untrusted_tls,  // DATA completed in TLS, certificate a validating sender must refuse
  delivered_plaintext,      // DATA completed without TLS
  withheld,                 // no DATA anywhere, with positive evidence (deferred / bounced / quit)
};

enum class Level { must, should, may, info };

enum class Verdict {
  pass,          // the outcome is one the requirement allows
  fail,          // a MUST (or MUST NOT) broken
  warn,          // a SHOULD broken
  info,          // a MAY / INFO row: recorded, never failed
  inconclusive,  // could not observe enough to judge; the reason says what was missing
  unsupported,   // the target lacks a capability the case needs
  error,         // the lab itself broke (a fake, the adapter); not the target's fault
};

std::string_view to_string(Outcome o);
std::string_view to_string(Level l);
std::string_view to_string(Verdict v);
// Parse the words above ("delivered-tls", "MUST", ...). Throw std::invalid_argument listing
// the accepted words.
Outcome parse_outcome(std::string_view s);
Level parse_level(std::string_view s);
Verdict parse_verdict(std::string_view s);

// The verdict when a requirement of `level` is broken: FAIL for MUST, WARN for SHOULD, INFO for
// MAY and INFO rows. The one place this rule is written.
Verdict verdict_when_broken(Level level);

// How bad a verdict is, for picking the one that stands among several (a scenario stands or
// falls with its worst part): PASS < INFO < UNSUPPORTED < WARN < INCONCLUSIVE < ERROR < FAIL.
int severity(Verdict v);

// The verdict for an observed outcome: pass if it is one of `expected`; otherwise
// verdict_when_broken(level). No outcome (nullopt) is inconclusive.
Verdict judge(const std::optional<Outcome>& observed, const std::vector<Outcome>& expected,
              Level level);

}  // namespace stslab::harness
