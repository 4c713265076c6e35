// Error values of the scenario loader: where (file:line), which field, what is wrong.
#include "stslab/harness/scenario.hpp"

namespace stslab::harness {
namespace {

std::string describe(const SourceLocation& where, const std::string& field,
                     const std::string& message) {
  std::string text = where.to_string() + ": ";
  if (!field.empty()) text += field + ": ";
  return text + message;
}

const ScenarioError& first_of(const std::vector<ScenarioError>& errors) {
  static const ScenarioError none({}, "", "no error");
  return errors.empty() ? none : errors.front();
}

}  // namespace

std::string SourceLocation::to_string() const {
  return line > 0 ? file + ":" + std::to_string(line) : file;
}

ScenarioError::ScenarioError(SourceLocation where, std::string field, std::string message)
    : ScenarioError(describe(where, field, message), where, field, message) {}

ScenarioError::ScenarioError(std::string what, SourceLocation where, std::string field,
                             std::string message)
    : std::runtime_error(std::move(what)),
      where_(std::move(where)),
      field_(std::move(field)),
      message_(std::move(message)) {}

CatalogError::CatalogError(std::vector<ScenarioError> errors)
    : ScenarioError(format_errors(errors), first_of(errors).where(), first_of(errors).field(),
                    first_of(errors).message()),
      errors_(std::move(errors)) {}

std::string format_errors(const std::vector<ScenarioError>& errors) {
  std::string text;
  for (const auto& e : errors) {
    if (!text.empty()) text += '\n';
    text += e.what();
  }
  return text;
}

}  // namespace stslab::harness
