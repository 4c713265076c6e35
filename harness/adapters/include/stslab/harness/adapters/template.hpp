// {{name}} placeholders in config templates and command lines. Deliberately tiny: no logic, no
// escapes. Config formats (main.cf, YAML) keep their own $ and {} syntax untouched.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace stslab::harness::adapters {

using Variables = std::map<std::string, std::string>;

// A placeholder with no value, or an unclosed "{{". what() names it and where.
class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Replaces every {{name}} (spaces inside the braces allowed) with its value. `where` names the
// template in error messages. Values are inserted verbatim (not rendered again).
std::string render(std::string_view text, const Variables& vars, std::string_view where = "");
std::vector<std::string> render(const std::vector<std::string>& argv, const Variables& vars,
                                std::string_view where = "");

}  // namespace stslab::harness::adapters
