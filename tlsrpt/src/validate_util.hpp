// Helpers shared by the report validators (validate_report.cpp, validate_policy.cpp).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "stslab/tlsrpt/finding.hpp"

namespace stslab::tlsrpt::detail {

using json = nlohmann::json;
using Findings = std::vector<Finding>;

// The member `name` of an object, or nullptr.
inline const json* member(const json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

// The JSON type as a reader would name it, for messages.
inline std::string type_name(const json& value) {
  if (value.is_number_float()) return "a non-integer number";
  if (value.is_number()) return "an integer";
  return std::string("a ") + value.type_name();
}

// A required string member: nullopt (and an `invalid` finding under `id`) if it is missing or
// not a string.
std::optional<std::string> required_string(const json& object, const char* name,
                                           const std::string& pointer, const char* id,
                                           Findings& findings);

// An optional string member: nullopt when absent; an `invalid` finding when not a string.
std::optional<std::string> optional_string(const json& object, const char* name,
                                           const std::string& pointer, const char* id,
                                           Findings& findings);

// More sessions than this in one report (one sender, one policy, one day) cannot be real: the
// whole world sends a few times 10^11 mails a day. Beyond it a count is an `invalid` finding.
inline constexpr std::int64_t kMaxPlausibleSessions = 1'000'000'000'000;

// A session count (RPT-28): a JSON integer >= 0. Strings like "5" and numbers like 5.0 are
// `invalid`: RFC 8460 §4.4 makes them integers, and a consumer may not read them. Negative
// counts and counts beyond 2^63-1 are `invalid` and not counted; counts beyond
// kMaxPlausibleSessions are `invalid` but counted.
std::optional<std::int64_t> required_count(const json& object, const char* name,
                                           const std::string& pointer, const char* id,
                                           Findings& findings);

// RPT-27 and host name syntax for one domain-valued field; `pattern` allows "*.".
void check_domain(const std::string& value, const std::string& pointer, const char* syntax_id,
                  bool pattern, Findings& findings);

}  // namespace stslab::tlsrpt::detail
