// report.md: per target a heading with versions, the verdict counts and a table of scenario,
// level, expected, outcome, verdict and a one-line reason; with several runs a matrix first
// (scenario rows x target columns).
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "stslab/harness/result.hpp"
#include "text_escape.hpp"

namespace stslab::harness {
namespace {

using text::markdown_cell;

constexpr const char* kNone = "—";

std::string outcomes_cell(const std::vector<Outcome>& list) {
  if (list.empty()) return kNone;
  std::string out;
  for (Outcome o : list)
    out += (out.empty() ? "" : ", ") + std::string(to_string(o));
  return out;
}

std::string outcome_cell(const ScenarioResult& r) {
  std::string out = r.outcome ? std::string(to_string(*r.outcome)) : kNone;
  if (r.reported) out += " + reported";
  return out;
}

std::string versions_line(const nlohmann::json& versions) {
  std::string out;
  for (const auto& [program, version] : versions.items()) {
    const std::string v =
        version.is_string()
            ? version.get<std::string>()
            : version.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += (out.empty() ? "" : ", ") + markdown_cell(program, 80) + " " + markdown_cell(v, 80);
  }
  return out.empty() ? "not recorded" : out;
}

std::string seconds(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}

// Column headings for the matrix: the adapter, numbered if two runs share one.
std::vector<std::string> target_names(const std::vector<RunResult>& runs) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto same = std::count_if(
        runs.begin(), runs.begin() + static_cast<std::ptrdiff_t>(i),
        [&](const RunResult& r) { return r.target.adapter == runs[i].target.adapter; });
    names.push_back(markdown_cell(runs[i].target.adapter, 80) +
                    (same > 0 ? " #" + std::to_string(same + 1) : ""));
  }
  return names;
}

void matrix(std::ostream& md, const std::vector<RunResult>& runs) {
  // Scenario rows in order of first appearance across the runs.
  std::vector<std::string> scenarios;
  for (const auto& run : runs) {
    for (const auto& r : run.results) {
      if (std::find(scenarios.begin(), scenarios.end(), r.scenario) == scenarios.end()) {
        scenarios.push_back(r.scenario);
      }
    }
  }
  md << "## Matrix\n\n| scenario |";
  for (const auto& name : target_names(runs))
    md << " " << name << " |";
  md << "\n|---|";
  for (std::size_t i = 0; i < runs.size(); ++i)
    md << "---|";
  md << "\n";
  for (const auto& id : scenarios) {
    md << "| " << markdown_cell(id) << " |";
    for (const auto& run : runs) {
      const auto it = std::find_if(run.results.begin(), run.results.end(),
                                   [&](const ScenarioResult& r) { return r.scenario == id; });
      if (it == run.results.end()) {
        md << " " << kNone << " |";
      } else {
        md << " " << to_string(it->verdict) << " (" << outcome_cell(*it) << ") |";
      }
    }
    md << "\n";
  }
  md << "\n";
}

void run_section(std::ostream& md, const RunResult& run) {
  md << "## " << markdown_cell(run.target.adapter, 80) << "\n\n";
  md << "Versions: " << versions_line(run.target.versions) << "\n\n";
  if (!run.started_at.empty()) {
    md << "Started " << markdown_cell(run.started_at, 40) << ", took " << seconds(run.duration)
       << ".\n\n";
  }
  md << summary_line(run) << "\n\n";
  if (run.results.empty()) {
    md << "No scenarios ran.\n\n";
    return;
  }
  md << "| scenario | level | expected | outcome | verdict | reason |\n";
  md << "|---|---|---|---|---|---|\n";
  for (const auto& r : run.results) {
    md << "| " << markdown_cell(r.scenario) << " | " << to_string(r.level) << " | "
       << outcomes_cell(r.expected) << " | " << outcome_cell(r) << " | " << to_string(r.verdict)
       << " | " << (r.reason.empty() ? std::string(kNone) : markdown_cell(r.reason)) << " |\n";
  }
  md << "\n";
}

}  // namespace

std::string render_markdown(const std::vector<RunResult>& runs) {
  std::ostringstream md;
  md << "# stslab report\n\n";
  if (runs.empty()) {
    md << "No runs.\n";
    return md.str();
  }
  if (runs.size() > 1) matrix(md, runs);
  for (const auto& run : runs)
    run_section(md, run);
  return md.str();
}

}  // namespace stslab::harness
