#include "yaml_reader.hpp"

#include <charconv>
#include <regex>
#include <set>

namespace stslab::harness::detail {

SourceLocation Diagnostics::at(const YAML::Node& node) const {
  return {file_, line_of(node)};
}

void Diagnostics::error(const YAML::Node& node, std::string field, std::string message) {
  error(at(node), std::move(field), std::move(message));
}

void Diagnostics::error(SourceLocation where, std::string field, std::string message) {
  errors_.emplace_back(std::move(where), std::move(field), std::move(message));
}

int line_of(const YAML::Node& node) {
  if (!node.IsDefined()) return 0;
  const auto mark = node.Mark();
  return mark.is_null() ? 0 : mark.line + 1;
}

std::string join_field(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

std::string index_field(const std::string& prefix, std::size_t index) {
  return prefix + "[" + std::to_string(index) + "]";
}

std::string_view kind_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

bool check_map(const YAML::Node& node, const std::string& field,
               const std::vector<std::string_view>& allowed, Diagnostics& diag) {
  if (!node.IsMap()) {
    diag.error(node, field, "expected a map, got " + std::string(kind_name(node)));
    return false;
  }
  std::set<std::string> seen;
  for (const auto& entry : node) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar()) {
      diag.error(key, field, "a key must be a plain word, got " + std::string(kind_name(key)));
      continue;
    }
    const std::string name = key.Scalar();
    if (!seen.insert(name).second) {
      // yaml-cpp keeps both; the first one would silently win.
      diag.error(key, join_field(field, name), "key given twice");
      continue;
    }
    if (allowed.empty()) continue;  // free-form keys (labels, message names)
    bool known = false;
    std::string list;
    for (const auto a : allowed) {
      known = known || a == name;
      list += list.empty() ? "" : ", ";
      list += a;
    }
    if (!known) {
      diag.error(key, join_field(field, name), "unknown key (known: " + list + ")");
    }
  }
  return true;
}

std::optional<std::string> read_string(const YAML::Node& node, const std::string& field,
                                       Diagnostics& diag) {
  if (!node.IsScalar()) {
    diag.error(node, field, "expected a text value, got " + std::string(kind_name(node)));
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<bool> read_bool(const YAML::Node& node, const std::string& field, Diagnostics& diag) {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    diag.error(node, field,
               "expected true or false, got " +
                   (node.IsScalar() ? "'" + node.Scalar() + "'" : std::string(kind_name(node))));
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> read_int(const YAML::Node& node, const std::string& field,
                                     std::int64_t min, std::int64_t max, Diagnostics& diag) {
  const std::string range = std::to_string(min) + ".." + std::to_string(max);
  if (!node.IsScalar()) {
    diag.error(node, field,
               "expected a number in " + range + ", got " + std::string(kind_name(node)));
    return std::nullopt;
  }
  const std::string& text = node.Scalar();
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    diag.error(node, field, "expected a number in " + range + ", got '" + text + "'");
    return std::nullopt;
  }
  return value;
}

std::optional<std::vector<std::string>> read_string_list(const YAML::Node& node,
                                                         const std::string& field,
                                                         Diagnostics& diag) {
  if (node.IsNull()) return std::vector<std::string>{};
  if (!node.IsSequence()) {
    diag.error(node, field, "expected a list, got " + std::string(kind_name(node)));
    return std::nullopt;
  }
  std::vector<std::string> values;
  bool ok = true;
  for (std::size_t i = 0; i < node.size(); ++i) {
    if (auto v = read_string(node[i], index_field(field, i), diag)) {
      values.push_back(std::move(*v));
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return values;
}

void check_placeholders(const YAML::Node& node, const std::string& text, const std::string& field,
                        Diagnostics& diag) {
  static const std::regex placeholder(R"(\{([A-Za-z0-9_-]*)\})");
  for (std::sregex_iterator it(text.begin(), text.end(), placeholder), end; it != end; ++it) {
    const std::string name = (*it)[1];
    if (name != "domain" && name != "policy_id") {
      diag.error(node, field,
                 "unknown placeholder '{" + name + "}' (known: {domain}, {policy_id})");
    }
  }
}

}  // namespace stslab::harness::detail
