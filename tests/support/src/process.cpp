#include "stslab/testing/process.hpp"

#include "stslab/core/faketime.hpp"
#include "stslab/core/process.hpp"

namespace stslab::testing {

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input,
                          std::chrono::milliseconds timeout,
                          core::LabClock::duration clock_offset) {
  const auto r = core::run_process({.argv = argv, .env = core::faketime_offset_env(clock_offset)},
                                   input, timeout);
  return {.exit_code = r.exit_code, .timed_out = r.timed_out, .out = r.out, .err = r.err};
}

bool have_program(const std::string& program) {
  return run_process({"sh", "-c", "command -v " + program}, "", std::chrono::seconds(5))
             .exit_code == 0;
}

}  // namespace stslab::testing
