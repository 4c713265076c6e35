// The stslab-sender command line: `send`, `report`, `dkim-record` and `list-defects`, parsed
// with CLI11.
#pragma once

#include <iosfwd>

namespace stslab::sender {

// Runs the program; returns the exit status (see send.hpp). `out` gets the JSON lines, `err`
// the diagnostics and usage errors.
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace stslab::sender
