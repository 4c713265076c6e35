// How adapters put a finished command into words: one line for an error message.
#pragma once

#include <string>
#include <vector>

#include "stslab/core/process.hpp"

namespace stslab::harness::adapters {

// `s` without leading and trailing blanks and line ends.
std::string trim(const std::string& s);

// A command line for messages: the words joined by spaces.
std::string join(const std::vector<std::string>& argv);

// Exited 0, in time.
bool succeeded(const core::ProcessResult& r);

// A file's whole content. Throws std::runtime_error naming the path.
std::string read_file(const std::string& path);

// "exit 2: <stderr, then stdout>", "timed out", "killed by signal 9: ...".
std::string describe(const core::ProcessResult& r);

}  // namespace stslab::harness::adapters
