#include "summary.hpp"

#include "stslab/harness/result.hpp"

namespace stslab::harness {

std::map<Verdict, std::size_t> count_verdicts(const RunResult& run) {
  std::map<Verdict, std::size_t> counts;
  for (Verdict v : kAllVerdicts)
    counts[v] = 0;
  for (const auto& result : run.results)
    ++counts[result.verdict];
  return counts;
}

std::string summary_line(const RunResult& run) {
  const auto counts = count_verdicts(run);
  std::string line;
  for (Verdict v : kAllVerdicts) {
    if (!line.empty()) line += ", ";
    line += to_string(v);
    line += ' ';
    line += std::to_string(counts.at(v));
  }
  return line;
}

}  // namespace stslab::harness
