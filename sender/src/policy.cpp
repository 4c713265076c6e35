#include "stslab/sender/policy.hpp"

#include <algorithm>
#include <map>

namespace stslab::sender {
namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_wsp(char c) {
  return c == ' ' || c == '\t';
}

// sts-policy-ext-name = sts-policy-alphanum 0*31(sts-policy-alphanum / "_" / "-" / ".")
// (the RFC's "sta-policy-alphanum" is a typo for this rule). version/mode/max_age/mx fit it.
bool is_field_name(std::string_view name) {
  if (name.empty() || name.size() > 32 || !is_alnum(name.front())) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return is_alnum(c) || c == '_' || c == '-' || c == '.'; });
}

// Splits at LF; a CR right before the LF belongs to the terminator (§3.2 allows LF or CRLF,
// erratum 6253). The last line needs no terminator.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t lf = text.find('\n');
    std::string_view line = text.substr(0, lf);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back(line);
    if (lf == std::string_view::npos) break;
    text.remove_prefix(lf + 1);
  }
  return lines;
}

struct Field {
  std::string_view name;
  std::string_view value;
};

// sts-policy-field = name ":" *WSP value, the value without trailing blanks. No blank is allowed
// before the colon or at the start of the line (STS-PARSE-08).
std::optional<Field> split_field(std::string_view line) {
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  Field f{line.substr(0, colon), line.substr(colon + 1)};
  if (!is_field_name(f.name)) return std::nullopt;
  while (!f.value.empty() && is_wsp(f.value.front()))
    f.value.remove_prefix(1);
  while (!f.value.empty() && is_wsp(f.value.back()))
    f.value.remove_suffix(1);
  return f;
}

// sts-policy-max-age-value = 1*10(DIGIT)
std::optional<std::uint64_t> parse_max_age(std::string_view v) {
  if (v.empty() || v.size() > 10) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

}  // namespace

std::string_view to_string(PolicyMode m) {
  switch (m) {
    case PolicyMode::enforce:
      return "enforce";
    case PolicyMode::testing:
      return "testing";
    case PolicyMode::none:
      return "none";
  }
  return "none";
}

std::optional<PolicyMode> parse_policy_mode(std::string_view text) {
  if (text == "enforce") return PolicyMode::enforce;
  if (text == "testing") return PolicyMode::testing;
  if (text == "none") return PolicyMode::none;
  return std::nullopt;
}

std::vector<std::string> Policy::lines() const {
  std::vector<std::string> out;
  for (auto line : split_lines(text)) {
    if (!line.empty()) out.emplace_back(line);
  }
  return out;
}

std::uint64_t effective_max_age(const Policy& p, const DefectSet& defects) {
  if (defects.has(Defect::max_age_unbounded)) return p.max_age;
  return std::min(p.max_age, kMaxAgeCap);
}

PolicyParse parse_policy(std::string_view text, const DefectSet& defects) {
  PolicyParse out;
  // The value that counts for each non-mx key: the first occurrence (§3.2 "only the first
  // occurrence ... SHALL be used"), or the last with the defect.
  std::map<std::string, std::string, std::less<>> single;
  std::vector<std::string> mx;
  std::size_t number = 0;
  for (auto line : split_lines(text)) {
    ++number;
    // Empty lines are not in the ABNF; we skip them rather than reject a whole policy for a
    // trailing blank line, which many published policies have.
    if (line.empty()) continue;
    auto field = split_field(line);
    if (!field) {
      out.error = "line " + std::to_string(number) + " is not 'key: value'";
      return out;
    }
    if (field->name == "mx") {
      mx.emplace_back(field->value);  // every mx line counts (§3.2); the pattern is checked later
      continue;
    }
    auto it = single.find(field->name);
    if (it == single.end()) {
      single.emplace(std::string(field->name), std::string(field->value));
    } else if (defects.has(Defect::last_duplicate_key_wins)) {
      it->second = std::string(field->value);
    }
  }

  auto get = [&](std::string_view key) -> const std::string* {
    auto it = single.find(key);
    return it == single.end() ? nullptr : &it->second;
  };
  const std::string* version = get("version");
  const std::string* mode = get("mode");
  const std::string* max_age = get("max_age");
  if (!version) return PolicyParse{{}, "no version field"};
  if (*version != "STSv1") return PolicyParse{{}, "version is not STSv1"};
  if (!mode) return PolicyParse{{}, "no mode field"};
  auto parsed_mode = parse_policy_mode(*mode);
  if (!parsed_mode) return PolicyParse{{}, "mode '" + *mode + "' is not enforce|testing|none"};
  if (!max_age) return PolicyParse{{}, "no max_age field"};
  auto parsed_age = parse_max_age(*max_age);
  if (!parsed_age) return PolicyParse{{}, "max_age '" + *max_age + "' is not 1-10 digits"};
  // §3.2: mx is required unless the mode is none.
  if (mx.empty() && *parsed_mode != PolicyMode::none) return PolicyParse{{}, "no mx field"};

  Policy p;
  p.mode = *parsed_mode;
  p.max_age = *parsed_age;
  p.mx = std::move(mx);
  p.text = std::string(text);
  out.policy = std::move(p);
  return out;
}

}  // namespace stslab::sender
