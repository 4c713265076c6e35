// The stslab subcommands. Each returns the process exit status:
// 0 no FAIL, 1 some FAIL, 2 bad usage or scenario file, 3 the lab could not start.
#pragma once

#include <string>
#include <vector>

namespace stslab::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFail = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitLab = 3;

struct RunArgs {
  std::string mta = "postfix";
  std::vector<std::string> scenario_globs;  // empty = all
  std::string scenarios_dir;
  std::string report_dir;
  std::string workdir;  // "" = a fresh directory under /tmp
  int jobs = 32;
  bool keep = false;
  double timeout_scale = 1.0;
  // Compare verdicts with the target's known deviations (scenarios/expectations/<mta>.yaml):
  // exit 0 iff every verdict is the expected one. This is what CTest runs.
  bool check_expectations = false;
  bool progress = true;  // a live line on a terminal
};

int run_command(const RunArgs& args);
int list_command(const std::string& scenarios_dir, const std::vector<std::string>& globs);
int lint_command(const std::string& scenarios_dir);

// The scenario catalog to use when none is given: $STSLAB_SCENARIOS, else the source tree's.
std::string default_scenarios_dir();
// True if `id` matches any of `globs` (fnmatch; a glob without wildcards also matches as a
// prefix, so "rfc8461/5" selects a whole section). Empty globs match everything.
bool selected(const std::string& id, const std::vector<std::string>& globs);

}  // namespace stslab::cli
