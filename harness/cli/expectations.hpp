// A target's known deviations (anchors.md lesson 13, BoGo's expectations): which verdict each
// scenario is expected to get against that target, and why. Default: PASS. CTest compares the
// real verdicts with these, so the suite stays green for a control target that is *supposed*
// to fall back, and turns red the moment a target's behaviour changes either way.
#pragma once

#include <string>
#include <vector>

#include "stslab/harness/outcome.hpp"

namespace stslab::cli {

struct Expectation {
  std::string glob;  // scenario id or glob
  harness::Verdict verdict = harness::Verdict::pass;
  std::string reason;
};

// Reads scenarios/expectations/<target>.yaml: a map of id glob -> {verdict, reason}. A missing
// file means "everything PASS". Throws std::runtime_error naming file:line on bad content.
std::vector<Expectation> load_expectations(const std::string& path);
// The first matching entry (file order); PASS with an empty reason when none matches.
Expectation expectation_for(const std::vector<Expectation>& all, const std::string& id);

}  // namespace stslab::cli
