#include "process_text.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace stslab::harness::adapters {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::string describe(const core::ProcessResult& r) {
  std::string how = r.timed_out          ? "timed out"
                    : r.term_signal != 0 ? "killed by signal " + std::to_string(r.term_signal)
                                         : "exit " + std::to_string(r.exit_code);
  const auto out = trim(r.err + (r.err.empty() || r.out.empty() ? "" : "\n") + r.out);
  return how + (out.empty() ? "" : ": " + out);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv)
    out += (out.empty() ? "" : " ") + a;
  return out;
}

bool succeeded(const core::ProcessResult& r) {
  return !r.timed_out && r.exit_code == 0;
}

}  // namespace stslab::harness::adapters
