// Runs a real client program (dig, curl, openssl, swaks) for interop tests, with a deadline.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace stslab::testing {

struct ProcessResult {
  int exit_code = -1;      // -1 if killed by a signal or the deadline
  bool timed_out = false;  // the deadline passed and the process was killed
  std::string out;
  std::string err;
};

// Runs argv[0] (searched in PATH) with `input` on its stdin; kills it at the deadline.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input = "",
                          std::chrono::milliseconds timeout = std::chrono::seconds(20));

// True if `program` is found in PATH.
bool have_program(const std::string& program);

}  // namespace stslab::testing
