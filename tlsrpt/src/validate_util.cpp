#include "validate_util.hpp"

#include <limits>

#include "stslab/tlsrpt/names.hpp"

namespace stslab::tlsrpt::detail {

std::optional<std::string> optional_string(const json& object, const char* name,
                                           const std::string& pointer, const char* id,
                                           Findings& findings) {
  const json* value = member(object, name);
  if (!value) return std::nullopt;
  if (!value->is_string()) {
    findings.push_back(
        invalid(id, Level::must, pointer + "/" + name,
                std::string("\"") + name + "\" must be a string, not " + type_name(*value)));
    return std::nullopt;
  }
  return value->get<std::string>();
}

std::optional<std::string> required_string(const json& object, const char* name,
                                           const std::string& pointer, const char* id,
                                           Findings& findings) {
  if (!member(object, name)) {
    findings.push_back(
        invalid(id, Level::must, pointer + "/" + name, std::string("\"") + name + "\" is missing"));
    return std::nullopt;
  }
  return optional_string(object, name, pointer, id, findings);
}

std::optional<std::int64_t> required_count(const json& object, const char* name,
                                           const std::string& pointer, const char* id,
                                           Findings& findings) {
  const std::string where = pointer + "/" + name;
  const json* value = member(object, name);
  if (!value) {
    findings.push_back(invalid(id, Level::must, where, std::string("\"") + name + "\" is missing"));
    return std::nullopt;
  }
  std::optional<std::int64_t> count;
  if (value->is_number_unsigned()) {
    const auto n = value->get<std::uint64_t>();
    if (n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      findings.push_back(invalid(id, Level::must, where,
                                 std::to_string(n) + " sessions: beyond 2^63-1, not counted"));
      return std::nullopt;
    }
    count = static_cast<std::int64_t>(n);
  } else if (value->is_number_integer()) {
    const auto n = value->get<std::int64_t>();
    if (n < 0) {
      findings.push_back(invalid(id, Level::must, where,
                                 std::to_string(n) + ": a session count cannot be negative"));
      return std::nullopt;
    }
    count = n;
  }
  if (count) {
    if (*count > kMaxPlausibleSessions) {
      // Still counted, so that the summary shows what the report claims, next to this.
      findings.push_back(invalid(id, Level::must, where,
                                 std::to_string(*count) +
                                     " sessions cannot be real: more than 10^12 in one report, "
                                     "beyond all the mail the world sends in a day"));
    }
    return count;
  }
  findings.push_back(
      invalid(id, Level::must, where,
              std::string("\"") + name + "\" must be a JSON integer, not " + type_name(*value)));
  return std::nullopt;
}

void check_domain(const std::string& value, const std::string& pointer, const char* syntax_id,
                  bool pattern, Findings& findings) {
  if (!is_ascii(value)) {
    // RFC 8460 §4.4: domains in the report are A-labels.
    findings.push_back(invalid("RPT-27", Level::must, pointer,
                               "\"" + value + "\" is not an A-label (non-ASCII characters)"));
    return;
  }
  if (!is_hostname(value, pattern)) {
    findings.push_back(
        sloppy(syntax_id, Level::must, pointer,
               "\"" + value + "\" is not a host name" + (pattern ? " or \"*.\" pattern" : "")));
  }
}

}  // namespace stslab::tlsrpt::detail
