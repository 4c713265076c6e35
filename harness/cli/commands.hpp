// The stslab subcommands. Each returns the process exit status:
// 0 no FAIL, 1 some FAIL, 2 bad usage or scenario file, 3 the lab could not start.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace stslab::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFail = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitLab = 3;

// Set by `stslab selftest` to its own pid for the `stslab run` children it starts: such a run
// asks the kernel for SIGTERM when its parent dies (PR_SET_PDEATHSIG), and tears its lab down
// as on Ctrl-C, so a selftest killed even by SIGKILL leaves no run behind.
inline constexpr const char* kDieWithParentVariable = "STSLAB_DIE_WITH_PARENT";

struct RunArgs {
  std::string mta = "postfix";
  bool mta_given = false;  // --mta was on the command line (else one --adapter's target is used)
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
  // Extra adapter manifests (--adapter FILE, repeatable), added before the target is looked up.
  std::vector<std::string> adapter_files;
};

int run_command(const RunArgs& args);

// `stslab selftest` (selftest_command.cpp): the reference target must get no FAIL or WARN, and
// every mutant of it must draw a FAIL or WARN from a scenario citing what its defect breaks.
// Exit 0 iff both hold (mutation score 100%), 1 otherwise, 2 bad usage, 3 the lab cannot start.
struct SelftestArgs {
  std::string reference = "reference";
  std::vector<std::string> defects;         // empty = every mutant of the reference
  std::vector<std::string> scenario_globs;  // empty = the whole catalog
  std::string scenarios_dir;
  std::string report_dir;  // "" = a temporary directory, removed afterwards
  std::vector<std::string> adapter_files;
  int parallel = 4;  // `stslab run`s at once (each its own lab)
  int jobs = 32;     // scenarios in flight within each run
  bool progress = true;
};
int selftest_command(const SelftestArgs& args);
int list_command(const std::string& scenarios_dir, const std::vector<std::string>& globs);
int lint_command(const std::string& scenarios_dir);

// Adds adapter manifests (`--adapter FILE` of run and list) to the registry. Returns kExitOk, or
// kExitUsage after printing the first error (file:line: field: message).
int add_adapter_files(const std::vector<std::string>& files);

// `run --adapter FILE` without --mta: the target that file defines (kExitUsage, said why, when
// it defines none or several).
int choose_target(RunArgs& args);

// The scenario catalog to use when none is given: $STSLAB_SCENARIOS, else the source tree's.
std::string default_scenarios_dir();
// True if `id` matches any of `globs` (fnmatch; a glob without wildcards also matches as a
// prefix, so "rfc8461/5" selects a whole section). Empty globs match everything.
bool selected(const std::string& id, const std::vector<std::string>& globs);

// `stslab tlsrpt summarize FILE... [--format text|json] [--strict]` (tlsrpt_command.cpp): exit 2
// if a file could not be read as a report, else 1 with --strict and an `invalid` finding, else 0.
struct TlsrptArgs {
  std::vector<std::string> files;
  std::string format = "text";
  bool strict = false;
};
CLI::App* add_tlsrpt_commands(CLI::App& app, TlsrptArgs& args);
int tlsrpt_summarize_command(const TlsrptArgs& args);

}  // namespace stslab::cli
