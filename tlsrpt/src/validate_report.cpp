// The top level of a report (RFC 8460 §4.4): organization-name, date-range, contact-info,
// report-id and policies. The policy entries are checked in validate_policy.cpp.
#include "stslab/tlsrpt/names.hpp"
#include "stslab/tlsrpt/rfc3339.hpp"
#include "stslab/tlsrpt/validate.hpp"
#include "validate_util.hpp"

namespace stslab::tlsrpt {

namespace detail {
void validate_policy_entry(const json& entry, const std::string& pointer, PolicyResult& out,
                           Findings& findings);
}

namespace {

using namespace detail;

constexpr std::int64_t kDay = 86400;

void check_required_text(const json& j, const char* name, std::string& out, Findings& findings) {
  if (auto value = required_string(j, name, "", "RPT-21", findings)) {
    if (value->empty()) {
      findings.push_back(invalid("RPT-21", Level::must, std::string("/") + name,
                                 std::string("\"") + name + "\" is empty"));
    }
    out = std::move(*value);
  }
}

void check_contact_info(const json& j, Report& report, Findings& findings) {
  check_required_text(j, "contact-info", report.contact_info, findings);
  // RFC 8460 §5.3 compares TLS-Report-Submitter with the domain of contact-info, so a value
  // that is not an addr-spec leaves that check without an anchor.
  if (!report.contact_info.empty() && addr_spec_domain(report.contact_info).empty()) {
    findings.push_back(
        sloppy("RPT-21", Level::must, "/contact-info",
               "\"" + report.contact_info + "\" is not an addr-spec (local@domain)"));
  }
}

std::optional<std::int64_t> check_datetime(const json& range, const char* name, std::string& text,
                                           Findings& findings) {
  const auto value = required_string(range, name, "/date-range", "RPT-21", findings);
  if (!value) return std::nullopt;
  text = *value;
  const std::string where = std::string("/date-range/") + name;
  const auto parsed = parse_rfc3339(*value);
  if (!parsed) {
    findings.push_back(invalid("RPT-21", Level::must, where,
                               "\"" + *value + "\" is not an RFC 3339 date-time (RFC 8460 §4.4)"));
    return std::nullopt;
  }
  if (!parsed->has_zone) {
    // RFC 3339 §5.6 requires the offset; such reports exist in the wild (read as UTC).
    findings.push_back(
        sloppy("RPT-34", Level::must, where, "\"" + *value + "\" has no time zone; read as UTC"));
  }
  return parsed->unix_seconds;
}

void check_date_range(const json& j, Report& report, Findings& findings) {
  const json* range = member(j, "date-range");
  if (!range) {
    findings.push_back(invalid("RPT-21", Level::must, "/date-range", "\"date-range\" is missing"));
    return;
  }
  if (!range->is_object()) {
    findings.push_back(invalid("RPT-21", Level::must, "/date-range",
                               "\"date-range\" must be an object, not " + type_name(*range)));
    return;
  }
  report.start_unix = check_datetime(*range, "start-datetime", report.start_datetime, findings);
  report.end_unix = check_datetime(*range, "end-datetime", report.end_datetime, findings);
  if (!report.start_unix || !report.end_unix) return;
  const std::int64_t start = *report.start_unix;
  const std::int64_t end = *report.end_unix;
  if (start >= end) {
    findings.push_back(
        invalid("RPT-21", Level::must, "/date-range", "start-datetime is not before end-datetime"));
    return;
  }
  // RFC 8460 §4.1: one UTC day, 00:00-24:00. The RFC's own example ends at 23:59:59Z, so both
  // ends are accepted.
  const bool midnight = start % kDay == 0;
  const bool one_day = end - start == kDay || end - start == kDay - 1;
  if (!midnight || !one_day) {
    findings.push_back(sloppy("RPT-34", Level::should, "/date-range",
                              "the range is not one UTC day (00:00:00Z to the next 00:00:00Z "
                              "or 23:59:59Z)"));
  }
}

void check_policies(const json& j, Report& report, Findings& findings) {
  const json* policies = member(j, "policies");
  if (!policies) {
    findings.push_back(invalid("RPT-21", Level::must, "/policies", "\"policies\" is missing"));
    return;
  }
  if (policies->is_object()) {
    // RFC 8460 §4.4 makes it an array even for one policy. A lone object is still read, so
    // that its counts can be attributed, but a consumer keyed on the array would miss it.
    findings.push_back(invalid("RPT-22", Level::must, "/policies",
                               "\"policies\" must be an array, not an object"));
    report.policies.emplace_back();
    validate_policy_entry(*policies, "/policies", report.policies.back(), findings);
    return;
  }
  if (!policies->is_array()) {
    findings.push_back(invalid("RPT-22", Level::must, "/policies",
                               "\"policies\" must be an array, not " + type_name(*policies)));
    return;
  }
  for (std::size_t i = 0; i < policies->size(); ++i) {
    report.policies.emplace_back();
    validate_policy_entry((*policies)[i], "/policies/" + std::to_string(i), report.policies.back(),
                          findings);
  }
}

}  // namespace

Validated validate_report(const nlohmann::json& j) {
  Validated out;
  check_required_text(j, "organization-name", out.report.organization_name, out.findings);
  check_date_range(j, out.report, out.findings);
  check_contact_info(j, out.report, out.findings);
  check_required_text(j, "report-id", out.report.report_id, out.findings);
  check_policies(j, out.report, out.findings);
  return out;
}

}  // namespace stslab::tlsrpt
