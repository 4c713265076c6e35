// Scoring of `stslab selftest` (mutation.hpp).
#include <algorithm>
#include <set>
#include <sstream>

#include "stslab/harness/mutation.hpp"

namespace stslab::harness {

namespace {

bool caught_verdict(Verdict v) {
  return v == Verdict::fail || v == Verdict::warn;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& item : items)
    out += (out.empty() ? "" : sep) + item;
  return out;
}

// Table cells must not break the Markdown table.
std::string cell(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::vector<std::string> scenarios_for(const Defect& defect, const std::vector<Scenario>& catalog) {
  const std::set<std::string> wanted(defect.requirements.begin(), defect.requirements.end());
  std::vector<std::string> ids;
  for (const auto& s : catalog) {
    if (std::any_of(s.requirements.begin(), s.requirements.end(),
                    [&](const std::string& r) { return wanted.count(r) > 0; })) {
      ids.push_back(s.id);
    }
  }
  return ids;
}

std::size_t SelftestResult::caught() const {
  return static_cast<std::size_t>(std::count_if(defects.begin(), defects.end(),
                                                [](const DefectScore& d) { return d.caught(); }));
}

std::vector<std::string> reference_failures(const RunResult& reference) {
  std::vector<std::string> lines;
  for (const auto& r : reference.results) {
    if (caught_verdict(r.verdict)) {
      lines.push_back(r.scenario + ": " + std::string(to_string(r.verdict)) + ": " + r.reason);
    }
  }
  return lines;
}

DefectScore score_defect(const Defect& defect, const std::vector<std::string>& ran,
                         const RunResult* run, const std::string& problem) {
  DefectScore score{.defect = defect, .ran = ran, .problem = problem};
  if (ran.empty()) {
    score.problem = "no scenario cites " + join(defect.requirements, " or ") + ": write one";
    return score;
  }
  if (run == nullptr) {
    if (score.problem.empty()) score.problem = "the run wrote no report";
    return score;
  }
  const std::set<std::string> relevant(ran.begin(), ran.end());
  for (const auto& r : run->results) {
    if (!relevant.count(r.scenario)) continue;
    if (caught_verdict(r.verdict)) score.caught_by.push_back(r.scenario);
    if (r.verdict == Verdict::inconclusive || r.verdict == Verdict::unsupported) {
      score.inconclusive.push_back(r.scenario + ": " + std::string(to_string(r.verdict)) + ": " +
                                   r.reason);
    }
  }
  if (!score.caught() && score.problem.empty()) {
    score.problem = "every scenario citing " + join(defect.requirements, " or ") +
                    " passed: the defect goes unseen";
  }
  return score;
}

std::string score_line(const SelftestResult& result) {
  const auto total = result.defects.size();
  const auto caught = result.caught();
  const auto percent = total == 0 ? 100.0 : 100.0 * static_cast<double>(caught) / total;
  std::ostringstream out;
  out << "mutation score: " << caught << "/" << total << " (" << static_cast<int>(percent) << "%)";
  return out.str();
}

std::string render_selftest_markdown(const SelftestResult& result) {
  std::ostringstream md;
  md << "# stslab selftest\n\n";
  if (result.reference_clean()) {
    md << "`" << result.reference << "`: no FAIL and no WARN.\n\n";
  } else {
    md << "`" << result.reference << "`: **" << result.reference_failures.size()
       << " FAIL or WARN** (the reference must come out clean):\n\n";
    for (const auto& line : result.reference_failures)
      md << "- " << cell(line) << "\n";
    md << "\n";
  }
  md << score_line(result) << "\n\n";
  md << "| defect | breaks | caught by |\n|---|---|---|\n";
  for (const auto& d : result.defects) {
    md << "| `" << d.defect.name << "` | " << join(d.defect.requirements, ", ") << " | "
       << (d.caught() ? cell(join(d.caught_by, ", ")) : "**not caught**: " + cell(d.problem))
       << " |\n";
  }
  return md.str();
}

nlohmann::json selftest_to_json(const SelftestResult& result) {
  nlohmann::json defects = nlohmann::json::array();
  for (const auto& d : result.defects) {
    defects.push_back({{"target", d.defect.target},
                       {"defect", d.defect.name},
                       {"requirements", d.defect.requirements},
                       {"scenarios", d.ran},
                       {"caught", d.caught()},
                       {"caught_by", d.caught_by},
                       {"inconclusive", d.inconclusive},
                       {"problem", d.problem}});
  }
  return {{"schema", "stslab.selftest/1"},
          {"reference", result.reference},
          {"reference_clean", result.reference_clean()},
          {"reference_failures", result.reference_failures},
          {"caught", result.caught()},
          {"total", result.defects.size()},
          {"passed", result.passed()},
          {"defects", defects}};
}

}  // namespace stslab::harness
