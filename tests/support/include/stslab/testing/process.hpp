// Runs a real client program (dig, curl, openssl, swaks) for interop tests, with a deadline.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "stslab/core/clock.hpp"

namespace stslab::testing {

struct ProcessResult {
  int exit_code = -1;      // -1 if killed by a signal or the deadline
  bool timed_out = false;  // the deadline passed and the process was killed
  std::string out;
  std::string err;
};

// Runs argv[0] (searched in PATH) with `input` on its stdin; kills it at the deadline. The
// program runs `clock_offset` away from the real clock (under libfaketime when that is not
// zero): by default the lab's starting offset (STSLAB_LAB_START), so that it shares the time of
// the labs this process builds and trusts their certificates, like everything a lab starts.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input = "",
                          std::chrono::milliseconds timeout = std::chrono::seconds(20),
                          core::LabClock::duration clock_offset = core::lab_start_offset());

// True if `program` is found in PATH.
bool have_program(const std::string& program);

}  // namespace stslab::testing
