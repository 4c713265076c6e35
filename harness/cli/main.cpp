// stslab: does a sending MTA really enforce MTA-STS? See README.md.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.hpp"

int main(int argc, char** argv) {
  using namespace stslab::cli;
  CLI::App app{
      "stslab: an MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) conformance lab for "
      "sending mail servers"};
  app.require_subcommand(1);

  std::string scenarios_dir = default_scenarios_dir();
  std::vector<std::string> globs;

  auto* list = app.add_subcommand("list", "List the scenarios (id, level, requirements, title)");
  list->add_option("--scenario", globs, "Only ids matching this glob (repeatable)");
  list->add_option("--scenarios-dir", scenarios_dir, "The scenario catalog")->capture_default_str();

  auto* lint = app.add_subcommand("lint", "Check every scenario file; print every error");
  lint->add_option("--scenarios-dir", scenarios_dir, "The scenario catalog")->capture_default_str();

  RunArgs run;
  auto* run_cmd = app.add_subcommand("run", "Run scenarios against a sending MTA in the lab");
  run_cmd->add_option("--mta", run.mta, "The target adapter")->capture_default_str();
  run_cmd->add_option("--scenario", run.scenario_globs, "Only ids matching this glob (repeatable)");
  run_cmd->add_option("--scenarios-dir", scenarios_dir, "The scenario catalog")
      ->capture_default_str();
  run_cmd->add_option("--report-dir", run.report_dir,
                      "Write report.json, junit.xml and report.md here");
  run_cmd->add_option("--jobs", run.jobs, "Scenarios in flight at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  run_cmd->add_flag("--keep", run.keep, "Keep the work directory (configs, logs, journal)");
  run_cmd->add_option("--workdir", run.workdir, "Use this work directory");
  run_cmd
      ->add_option("--timeout-scale", run.timeout_scale,
                   "Multiply every deadline (slow machines, debugging)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  run_cmd->add_flag("--check-expectations", run.check_expectations,
                    "Exit 0 iff every verdict matches scenarios/expectations/<mta>.yaml");
  run_cmd->add_flag("!--no-progress", run.progress, "No live progress line");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  try {
    if (*list) return list_command(scenarios_dir, globs);
    if (*lint) return lint_command(scenarios_dir);
    run.scenarios_dir = scenarios_dir;
    return run_command(run);
  } catch (const std::exception& e) {
    std::cerr << "stslab: " << e.what() << "\n";
    return kExitUsage;
  }
}
