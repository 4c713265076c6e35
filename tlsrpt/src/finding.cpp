#include "stslab/tlsrpt/finding.hpp"

#include <algorithm>

#include "stslab/tlsrpt/input_error.hpp"

namespace stslab::tlsrpt {

std::string_view to_string(Level level) {
  switch (level) {
    case Level::must:
      return "MUST";
    case Level::should:
      return "SHOULD";
    case Level::may:
      return "MAY";
    case Level::info:
      return "INFO";
  }
  return "?";
}

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::invalid:
      return "invalid";
    case Severity::sloppy:
      return "sloppy";
    case Severity::note:
      return "note";
  }
  return "?";
}

std::string_view to_string(InputErrorKind kind) {
  switch (kind) {
    case InputErrorKind::gzip_truncated:
      return "gzip-truncated";
    case InputErrorKind::gzip_corrupt:
      return "gzip-corrupt";
    case InputErrorKind::unreadable:
      return "unreadable";
    case InputErrorKind::too_large:
      return "too-large";
    case InputErrorKind::not_json:
      return "not-json";
    case InputErrorKind::number_out_of_range:
      return "number-out-of-range";
    case InputErrorKind::too_deep:
      return "too-deep";
    case InputErrorKind::duplicate_member:
      return "duplicate-member";
    case InputErrorKind::invalid_utf8:
      return "invalid-utf8";
    case InputErrorKind::not_an_object:
      return "not-an-object";
    case InputErrorKind::not_a_mail:
      return "not-a-mail";
    case InputErrorKind::no_report_part:
      return "no-report-part";
  }
  return "?";
}

Finding invalid(std::string id, Level level, std::string where, std::string message) {
  return Finding{std::move(id), level, Severity::invalid, std::move(where), std::move(message)};
}

Finding sloppy(std::string id, Level level, std::string where, std::string message) {
  return Finding{std::move(id), level, Severity::sloppy, std::move(where), std::move(message)};
}

Finding note(std::string id, std::string where, std::string message) {
  return Finding{std::move(id), Level::info, Severity::note, std::move(where), std::move(message)};
}

bool has_invalid(const std::vector<Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(),
                     [](const Finding& f) { return f.severity == Severity::invalid; });
}

}  // namespace stslab::tlsrpt
