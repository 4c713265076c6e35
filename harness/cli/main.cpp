// stslab: does a sending MTA really enforce MTA-STS? See README.md.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.hpp"

namespace {

using namespace stslab::cli;

CLI::App* add_run_command(CLI::App& app, RunArgs& run, std::string& scenarios_dir) {
  auto* cmd = app.add_subcommand("run", "Run scenarios against a sending MTA in the lab");
  cmd->add_option("--mta", run.mta, "The target adapter")->capture_default_str();
  cmd->add_option("--scenario", run.scenario_globs, "Only ids matching this glob (repeatable)");
  cmd->add_option("--scenarios-dir", scenarios_dir, "The scenario catalog")->capture_default_str();
  cmd->add_option("--report-dir", run.report_dir,
                  "Write report.json, junit.xml and report.md here");
  cmd->add_option("--jobs", run.jobs, "Scenarios in flight at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_flag("--keep", run.keep, "Keep the work directory (configs, logs, journal)");
  cmd->add_option("--workdir", run.workdir, "Use this work directory");
  cmd->add_option("--timeout-scale", run.timeout_scale,
                  "Multiply every deadline (slow machines, debugging)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--check-expectations", run.check_expectations,
                "Exit 0 iff every verdict matches scenarios/expectations/<mta>.yaml");
  cmd->add_flag("!--no-progress", run.progress, "No live progress line");
  cmd->add_option("--adapter", run.adapter_files,
                  "Also load this adapter manifest (docs/adapters.md; repeatable)");
  return cmd;
}

CLI::App* add_selftest_command(CLI::App& app, SelftestArgs& selftest, std::string& scenarios_dir) {
  auto* cmd = app.add_subcommand(
      "selftest",
      "Prove the catalog: the reference sender passes, every deliberate defect is caught");
  cmd->add_option("--reference", selftest.reference, "The clean target")->capture_default_str();
  cmd->add_option("--defect", selftest.defects, "Only this defect (repeatable)");
  cmd->add_option("--scenario", selftest.scenario_globs,
                  "Only ids matching this glob (repeatable)");
  cmd->add_option("--scenarios-dir", scenarios_dir, "The scenario catalog")->capture_default_str();
  cmd->add_option("--report-dir", selftest.report_dir,
                  "Write every run's report and selftest.md / selftest.json here");
  cmd->add_option("--adapter", selftest.adapter_files, "An extra adapter manifest (repeatable)");
  cmd->add_option("--parallel", selftest.parallel, "Runs (labs) at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->add_option("--jobs", selftest.jobs, "Scenarios in flight within each run")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_flag("!--no-progress", selftest.progress, "No line per finished run");
  return cmd;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "stslab: an MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) conformance lab for "
      "sending mail servers"};
  app.require_subcommand(1);

  std::string scenarios_dir = default_scenarios_dir();
  std::vector<std::string> globs;

  auto* list = app.add_subcommand("list", "List the scenarios (id, level, requirements, title)");
  list->add_option("--scenario", globs, "Only ids matching this glob (repeatable)");
  list->add_option("--scenarios-dir", scenarios_dir, "The scenario catalog")->capture_default_str();
  std::vector<std::string> list_adapters;
  list->add_option("--adapter", list_adapters,
                   "Check that this adapter manifest loads (repeatable)");

  auto* lint = app.add_subcommand("lint", "Check every scenario file; print every error");
  lint->add_option("--scenarios-dir", scenarios_dir, "The scenario catalog")->capture_default_str();

  RunArgs run;
  add_run_command(app, run, scenarios_dir);
  SelftestArgs selftest;
  auto* selftest_cmd = add_selftest_command(app, selftest, scenarios_dir);
#ifdef STSLAB_WITH_TLSRPT
  TlsrptArgs tlsrpt;
  auto* tlsrpt_cmd = add_tlsrpt_commands(app, tlsrpt);
#endif

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  try {
    if (*list) {
      if (const int rc = add_adapter_files(list_adapters); rc != kExitOk) return rc;
      return list_command(scenarios_dir, globs);
    }
    if (*lint) return lint_command(scenarios_dir);
    if (*selftest_cmd) {
      selftest.scenarios_dir = scenarios_dir;
      return selftest_command(selftest);
    }
#ifdef STSLAB_WITH_TLSRPT
    if (*tlsrpt_cmd) return tlsrpt_summarize_command(tlsrpt);
#endif
    run.scenarios_dir = scenarios_dir;
    run.mta_given = app.get_subcommand("run")->get_option("--mta")->count() > 0;
    if (const int rc = choose_target(run); rc != kExitOk) return rc;
    return run_command(run);
  } catch (const std::exception& e) {
    std::cerr << "stslab: " << e.what() << "\n";
    return kExitUsage;
  }
}
