// `mutants:` — targets derived from a base target with one deliberate defect each — and the
// placeholder check they need, for every manifest schema whose targets have variables (the
// target types of manifest.hpp and command_manifest.hpp alike). Private to src/.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <regex>
#include <string>

#include "stslab/harness/adapters/template.hpp"
#include "yaml_fields.hpp"

namespace stslab::harness::adapters {

// render(text, vars), a TemplateError turned into "file:line: where: message" at `near`.
inline std::string render_checked(const YamlFields& in, const YAML::Node& near,
                                  const std::string& text, const Variables& vars,
                                  const std::string& where) {
  try {
    return render(text, vars);
  } catch (const TemplateError& e) {
    in.fail(near, where + ": " + e.what());
  }
}

// One `mutants:` map: a target per defect, the base target with its variable `variable` set to
// `value` ({{defect}} = the defect's name), listing the requirement IDs the defect breaks.
template <class Target>
void read_mutant_set(const YamlFields& in, const YAML::Node& node, const std::string& where,
                     std::map<std::string, Target>& targets) {
  in.only_keys(node, where, {"of", "variable", "value", "defects"});
  const auto base_name = in.scalar(node["of"], where + ".of");
  const auto base = targets.find(base_name);
  if (base == targets.end() || !base->second.mutant_of.empty()) {
    in.fail(node["of"], where + ".of: no target '" + base_name + "' to derive mutants from");
  }
  const auto variable = in.scalar(node["variable"], where + ".variable");
  if (!base->second.variables.count(variable)) {
    in.fail(node["variable"], where + ".variable: target '" + base_name + "' has no variable '" +
                                  variable + "' to override");
  }
  const auto value = in.scalar(node["value"], where + ".value");
  const auto defects = node["defects"];
  if (!defects.IsDefined() || !defects.IsMap() || defects.size() == 0) {
    in.fail(defects, where + ".defects: expected a map of defect name -> requirement IDs");
  }
  static const std::regex defect_name("[a-z0-9]+(-[a-z0-9]+)*");
  static const std::regex requirement_id("STS-[A-Z]+-[0-9]{2}|RPT-[0-9]{2}");
  for (const auto& kv : defects) {
    const auto defect = kv.first.as<std::string>();
    const auto at = where + ".defects." + defect;
    if (!std::regex_match(defect, defect_name)) {
      in.fail(kv.first, at + ": a defect name is lowercase words joined by '-'");
    }
    Target t = base->second;
    t.name = base_name + "+" + defect;
    t.title = (t.title.empty() ? base_name : t.title) + ", with the defect " + defect;
    t.mutant_of = base_name;
    t.defect = defect;
    t.requirements = in.strings(kv.second, at);
    for (const auto& r : t.requirements) {
      if (!std::regex_match(r, requirement_id)) {
        in.fail(kv.second, at + ": '" + r + "' is not a requirement ID (STS-AREA-NN or RPT-NN)");
      }
    }
    if (t.requirements.empty()) in.fail(kv.second, at + ": name the requirements it breaks");
    t.variables[variable] =
        render_checked(in, node["value"], value, {{"defect", defect}}, where + ".value");
    if (!targets.emplace(t.name, t).second) {
      in.fail(kv.first, at + ": the target '" + t.name + "' is defined twice");
    }
  }
}

// `mutants:` is one such map or a list of them.
template <class Target>
void read_mutants(const YamlFields& in, const YAML::Node& node,
                  std::map<std::string, Target>& targets) {
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      read_mutant_set(in, node[i], "mutants[" + std::to_string(i) + "]", targets);
    }
  } else {
    read_mutant_set(in, node, "mutants", targets);
  }
}

}  // namespace stslab::harness::adapters
