// One entry of "policies" (RFC 8460 §4.4): policy, summary and failure-details.
#include <algorithm>
#include <array>
#include <set>
#include <sstream>

#include "stslab/core/tlsrpt_result_types.hpp"
#include "stslab/tlsrpt/names.hpp"
#include "stslab/tlsrpt/validate.hpp"
#include "validate_util.hpp"

namespace stslab::tlsrpt::detail {
namespace {

// Failures that happen before any MX is contacted have no MX name or IP to report.
bool is_policy_failure(const std::string& result_type) {
  return result_type.starts_with("sts-policy-") || result_type == "sts-webpki-invalid";
}

// "mx: a.example" lines of an STS policy-string, for comparing with mx-host (RPT-26).
std::set<std::string> sts_mx_lines(const std::vector<std::string>& lines) {
  std::set<std::string> out;
  for (const auto& line : lines) {
    if (!line.starts_with("mx:")) continue;
    const auto value = line.find_first_not_of(" \t", 3);
    if (value != std::string::npos) out.insert(lower(line.substr(value)));
  }
  return out;
}

void check_policy_string(const json& policy, const std::string& ptr, Policy& out,
                         Findings& findings) {
  const std::string where = ptr + "/policy-string";
  const json* value = member(policy, "policy-string");
  if (!value) {
    // RFC 8460 §4.4 leaves it out only when no policy was found.
    if (out.type != "no-policy-found") {
      findings.push_back(invalid("RPT-23", Level::must, where, "\"policy-string\" is missing"));
    }
    return;
  }
  if (!value->is_array()) {
    findings.push_back(
        invalid("RPT-25", Level::must, where,
                "\"policy-string\" must be an array of strings, not " + type_name(*value)));
    return;
  }
  for (std::size_t i = 0; i < value->size(); ++i) {
    const json& line = (*value)[i];
    const std::string at = where + "/" + std::to_string(i);
    if (!line.is_string()) {
      findings.push_back(invalid("RPT-25", Level::must, at,
                                 "policy-string elements must be strings, not " + type_name(line)));
      continue;
    }
    const auto text = line.get<std::string>();
    out.policy_string.push_back(text);
    if (out.type == "sts" && text.find_first_of("\r\n") != std::string::npos) {
      // RFC 8460 §4.4: each line of the STS policy is its own string.
      findings.push_back(
          sloppy("RPT-25", Level::must, at, "an STS policy-string element holds several lines"));
    }
    if (out.type == "tlsa") {
      // RFC 8460 §4.4: a TLSA RR as its four fields separated by spaces.
      std::istringstream fields(text);
      int n = 0;
      for (std::string f; fields >> f;)
        ++n;
      if (n != 4) {
        findings.push_back(
            sloppy("RPT-25", Level::must, at,
                   "a TLSA policy-string element should have 4 fields, has " + std::to_string(n)));
      }
    }
  }
}

void check_mx_host(const json& policy, const std::string& ptr, Policy& out, Findings& findings) {
  const std::string where = ptr + "/mx-host";
  const json* value = member(policy, "mx-host");
  if (!value) {
    if (out.type == "sts") {
      findings.push_back(sloppy("RPT-23", Level::must, where,
                                "\"mx-host\" is missing (the MX patterns of the STS policy)"));
    }
    return;
  }
  if (value->is_string()) {
    // Erratum 6241: the RFC's example shows a string; the field is an array of strings.
    findings.push_back(sloppy("RPT-26", Level::must, where,
                              "\"mx-host\" is a string; it should be an array of strings "
                              "(RFC 8460 erratum 6241)"));
    out.mx_host.push_back(value->get<std::string>());
  } else if (value->is_array()) {
    for (std::size_t i = 0; i < value->size(); ++i) {
      const json& host = (*value)[i];
      if (!host.is_string()) {
        findings.push_back(invalid("RPT-26", Level::must, where + "/" + std::to_string(i),
                                   "mx-host elements must be strings, not " + type_name(host)));
        continue;
      }
      out.mx_host.push_back(host.get<std::string>());
    }
  } else {
    findings.push_back(
        invalid("RPT-26", Level::must, where,
                "\"mx-host\" must be an array of strings, not " + type_name(*value)));
    return;
  }
  for (std::size_t i = 0; i < out.mx_host.size(); ++i) {
    check_domain(out.mx_host[i], value->is_array() ? where + "/" + std::to_string(i) : where,
                 "RPT-26", true, findings);
  }
  if (out.type != "sts") return;
  const auto declared = sts_mx_lines(out.policy_string);
  std::set<std::string> reported;
  for (const auto& h : out.mx_host)
    reported.insert(lower(h));
  if (!declared.empty() && declared != reported) {
    findings.push_back(sloppy("RPT-26", Level::must, where,
                              "\"mx-host\" differs from the mx lines of the policy-string"));
  }
}

void check_policy(const json& entry, const std::string& ptr, Policy& out, Findings& findings) {
  const std::string where = ptr + "/policy";
  const json* policy = member(entry, "policy");
  if (!policy || !policy->is_object()) {
    findings.push_back(invalid("RPT-23", Level::must, where,
                               policy ? "\"policy\" must be an object, not " + type_name(*policy)
                                      : std::string("\"policy\" is missing")));
    return;
  }
  if (auto type = required_string(*policy, "policy-type", where, "RPT-23", findings)) {
    out.type = *type;
    if (out.type != "sts" && out.type != "tlsa" && out.type != "no-policy-found") {
      findings.push_back(invalid("RPT-24", Level::must, where + "/policy-type",
                                 "\"" + out.type + "\" is not sts, tlsa or no-policy-found"));
    }
  }
  if (auto domain = required_string(*policy, "policy-domain", where, "RPT-23", findings)) {
    out.domain = *domain;
    check_domain(out.domain, where + "/policy-domain", "RPT-23", false, findings);
  }
  check_policy_string(*policy, where, out, findings);
  check_mx_host(*policy, where, out, findings);
}

void check_ip(const json& detail, const char* name, const std::string& ptr, bool required,
              std::string& out, Findings& findings) {
  const std::string where = ptr + "/" + name;
  const auto value = optional_string(detail, name, ptr, "RPT-29", findings);
  if (!value) {
    // Lenient (requirements RPT-29): the RFC's own example leaves receiving-ip out.
    if (required && !member(detail, name)) {
      findings.push_back(
          sloppy("RPT-29", Level::must, where, std::string("\"") + name + "\" is missing"));
    }
    return;
  }
  out = *value;
  switch (classify_ip(out)) {
    case IpSyntax::ipv4:
    case IpSyntax::ipv6_canonical:
      break;
    case IpSyntax::ipv6_not_canonical:
      findings.push_back(sloppy("RPT-29", Level::must, where,
                                "\"" + out + "\" is not in RFC 5952 canonical form"));
      break;
    case IpSyntax::invalid:
      findings.push_back(
          invalid("RPT-29", Level::must, where, "\"" + out + "\" is not an IPv4 or IPv6 address"));
      break;
  }
}

void check_failure_detail(const json& detail, const std::string& ptr, FailureDetail& out,
                          Findings& findings) {
  out.pointer = ptr;
  if (!detail.is_object()) {
    findings.push_back(
        invalid("RPT-29", Level::must, ptr,
                "a failure-details entry must be an object, not " + type_name(detail)));
    return;
  }
  if (auto type = required_string(detail, "result-type", ptr, "RPT-29", findings)) {
    out.result_type = *type;
    if (!core::is_tlsrpt_result_type(out.result_type)) {
      findings.push_back(
          invalid("RPT-30", Level::must, ptr + "/result-type",
                  "\"" + out.result_type + "\" is not a registered result type (RFC 8460 §4.3)"));
    }
  }
  if (auto n = required_count(detail, "failed-session-count", ptr, "RPT-29", findings)) {
    out.failed_session_count = *n;
  }
  const bool mx_session = !is_policy_failure(out.result_type);
  check_ip(detail, "sending-mta-ip", ptr, true, out.sending_mta_ip, findings);
  check_ip(detail, "receiving-ip", ptr, mx_session, out.receiving_ip, findings);
  if (auto mx = optional_string(detail, "receiving-mx-hostname", ptr, "RPT-29", findings)) {
    out.receiving_mx_hostname = *mx;
    check_domain(*mx, ptr + "/receiving-mx-hostname", "RPT-29", false, findings);
  } else if (mx_session && !member(detail, "receiving-mx-hostname")) {
    findings.push_back(sloppy("RPT-29", Level::must, ptr + "/receiving-mx-hostname",
                              "\"receiving-mx-hostname\" is missing"));
  }
  out.receiving_mx_helo =
      optional_string(detail, "receiving-mx-helo", ptr, "RPT-29", findings).value_or("");
  out.additional_information =
      optional_string(detail, "additional-information", ptr, "RPT-29", findings).value_or("");
  const auto code = optional_string(detail, "failure-reason-code", ptr, "RPT-29", findings);
  out.failure_reason_code = code.value_or("");
  const bool wrong_type = member(detail, "failure-reason-code") && !code;  // reported above
  if (out.failure_reason_code.empty() && !wrong_type) {
    if (out.result_type == "certificate-not-trusted" || out.result_type == "validation-failure") {
      // RFC 8460 §4.3.1, §4.3.3: these two should say why.
      findings.push_back(sloppy("RPT-31", Level::should, ptr + "/failure-reason-code",
                                "no failure-reason-code for " + out.result_type));
    } else {
      findings.push_back(note("RPT-29", ptr + "/failure-reason-code",
                              "no failure-reason-code (the RFC's own example has none)"));
    }
  }
}

void check_summary(const json& entry, const std::string& ptr, PolicyResult& out,
                   Findings& findings) {
  const std::string where = ptr + "/summary";
  const json* summary = member(entry, "summary");
  if (!summary || !summary->is_object()) {
    findings.push_back(invalid("RPT-23", Level::must, where,
                               summary ? "\"summary\" must be an object, not " + type_name(*summary)
                                       : std::string("\"summary\" is missing")));
    return;
  }
  if (auto n =
          required_count(*summary, "total-successful-session-count", where, "RPT-28", findings)) {
    out.successful_sessions = *n;
  }
  if (auto n = required_count(*summary, "total-failure-session-count", where, "RPT-28", findings)) {
    out.failed_sessions = *n;
  }
}

void check_failure_details(const json& entry, const std::string& ptr, PolicyResult& out,
                           Findings& findings) {
  const std::string where = ptr + "/failure-details";
  const json* details = member(entry, "failure-details");
  if (!details) {
    // Reporters leave it out when nothing failed; with failures it is needed to attribute them.
    if (out.failed_sessions > 0) {
      findings.push_back(sloppy("RPT-23", Level::must, where,
                                "\"failure-details\" is missing although " +
                                    std::to_string(out.failed_sessions) + " sessions failed"));
    }
    return;
  }
  if (!details->is_array()) {
    findings.push_back(invalid("RPT-23", Level::must, where,
                               "\"failure-details\" must be an array, not " + type_name(*details)));
    return;
  }
  for (std::size_t i = 0; i < details->size(); ++i) {
    out.failures.emplace_back();
    check_failure_detail((*details)[i], where + "/" + std::to_string(i), out.failures.back(),
                         findings);
  }
}

}  // namespace

void validate_policy_entry(const json& entry, const std::string& pointer, PolicyResult& out,
                           Findings& findings) {
  out.pointer = pointer;
  if (!entry.is_object()) {
    findings.push_back(invalid("RPT-23", Level::must, pointer,
                               "a policies entry must be an object, not " + type_name(entry)));
    return;
  }
  check_policy(entry, pointer, out.policy, findings);
  check_summary(entry, pointer, out, findings);
  check_failure_details(entry, pointer, out, findings);
}

}  // namespace stslab::tlsrpt::detail
