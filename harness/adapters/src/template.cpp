#include "stslab/harness/adapters/template.hpp"

namespace stslab::harness::adapters {
namespace {

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

std::string prefix(std::string_view where) {
  return where.empty() ? std::string() : std::string(where) + ": ";
}

}  // namespace

std::string render(std::string_view text, const Variables& vars, std::string_view where) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (true) {
    const auto open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      out.append(text.substr(pos));
      return out;
    }
    const auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      throw TemplateError(prefix(where) + "unclosed '{{' at offset " + std::to_string(open));
    }
    out.append(text.substr(pos, open - pos));
    const auto name = trim(text.substr(open + 2, close - open - 2));
    const auto it = vars.find(name);
    if (it == vars.end()) {
      std::string known;
      for (const auto& [k, v] : vars)
        known += (known.empty() ? "" : ", ") + k;
      throw TemplateError(prefix(where) + "no value for placeholder {{" + name +
                          "}} (known: " + known + ")");
    }
    out.append(it->second);
    pos = close + 2;
  }
}

std::vector<std::string> render(const std::vector<std::string>& argv, const Variables& vars,
                                std::string_view where) {
  std::vector<std::string> out;
  out.reserve(argv.size());
  for (const auto& arg : argv)
    out.push_back(render(arg, vars, where));
  return out;
}

}  // namespace stslab::harness::adapters
