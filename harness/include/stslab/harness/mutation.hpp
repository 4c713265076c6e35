// The mutation self-test's arithmetic (`stslab selftest`, issue 4): the reference sender must
// get no FAIL and no WARN, and every deliberate defect must draw a FAIL or WARN from at least one
// scenario citing a requirement the defect breaks. A defect nothing catches means a scenario is
// missing. Pure functions over run results, so the rules are testable without a lab.
#pragma once

#include <string>
#include <vector>

#include "stslab/harness/result.hpp"
#include "stslab/harness/scenario.hpp"

namespace stslab::harness {

// A deliberate defect of a sender and what it breaks (from an adapter manifest's `mutants:`).
struct Defect {
  std::string target;                     // "reference+no-cert-verify"
  std::string name;                       // "no-cert-verify"
  std::vector<std::string> requirements;  // {"STS-CERT-02"}
};

// The scenarios that can catch `defect`: those citing one of its requirements, in catalog order.
std::vector<std::string> scenarios_for(const Defect& defect, const std::vector<Scenario>& catalog);

struct DefectScore {
  Defect defect;
  std::vector<std::string> ran;           // scenarios_for(), as run
  std::vector<std::string> caught_by;     // those of them with FAIL or WARN
  std::vector<std::string> inconclusive;  // those that could not observe (explains a miss)
  std::string problem;  // why it is not caught: no citing scenario, the run failed, ...

  bool caught() const { return !caught_by.empty(); }
};

struct SelftestResult {
  std::string reference;                        // the target that must come out clean
  std::vector<std::string> reference_failures;  // "id: VERDICT: reason" for FAIL and WARN
  std::vector<DefectScore> defects;

  std::size_t caught() const;
  bool reference_clean() const { return reference_failures.empty(); }
  bool passed() const { return reference_clean() && caught() == defects.size(); }
};

// The reference run's FAIL and WARN results, one line each.
std::vector<std::string> reference_failures(const RunResult& reference);
// Scores one defect from its run (nullptr: the run produced no report; `problem` says why).
DefectScore score_defect(const Defect& defect, const std::vector<std::string>& ran,
                         const RunResult* run, const std::string& problem = "");

// "mutation score: 19/19 (100%)".
std::string score_line(const SelftestResult& result);
// selftest.md: the reference's state, then a table of defect, requirements, caught by.
std::string render_selftest_markdown(const SelftestResult& result);
// selftest.json: the same as data.
nlohmann::json selftest_to_json(const SelftestResult& result);

}  // namespace stslab::harness
