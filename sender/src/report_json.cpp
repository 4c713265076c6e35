#include "stslab/sender/report_json.hpp"

#include <cstdio>
#include <random>
#include <stdexcept>

namespace stslab::sender {
namespace {

std::string rfc3339(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::ordered_json failure_json(const FailureTally& f) {
  nlohmann::ordered_json j;
  j["result-type"] = f.result_type;
  // Fields we do not know are left out rather than sent empty (an empty IP is not an IP).
  if (!f.sending_mta_ip.empty()) j["sending-mta-ip"] = f.sending_mta_ip;
  if (!f.receiving_mx_hostname.empty()) j["receiving-mx-hostname"] = f.receiving_mx_hostname;
  if (!f.receiving_ip.empty()) j["receiving-ip"] = f.receiving_ip;
  j["failed-session-count"] = f.count;
  if (!f.failure_reason_code.empty()) j["failure-reason-code"] = f.failure_reason_code;
  return j;
}

nlohmann::ordered_json policy_json(const std::string& domain, const PolicyTally& p,
                                   const DefectSet& defects) {
  nlohmann::ordered_json policy;
  policy["policy-type"] = p.policy_type;
  policy["policy-string"] = p.policy_string;  // one string per policy line (RPT-25)
  policy["policy-domain"] = domain;
  // Erratum 6241: an array of the policy's mx patterns (RPT-26); the RFC example's string is
  // what the defect reproduces.
  if (defects.has(Defect::mx_host_as_string) && !p.mx_host.empty()) {
    policy["mx-host"] = p.mx_host.front();
  } else {
    policy["mx-host"] = p.mx_host;
  }
  nlohmann::ordered_json entry;
  entry["policy"] = policy;
  entry["summary"] = {{"total-successful-session-count", p.successes},
                      {"total-failure-session-count", p.failures}};
  auto details = nlohmann::ordered_json::array();
  for (const auto& f : p.details)
    details.push_back(failure_json(f));
  entry["failure-details"] = details;
  return entry;
}

}  // namespace

std::string ReportIdentity::report_id(const std::string& policy_domain) const {
  std::string day = rfc3339(begin).substr(0, 10);
  std::erase(day, '-');
  return day + "." + unique + "." + policy_domain + "@" + submitter;
}

std::string ReportIdentity::filename(const std::string& policy_domain) const {
  return submitter + "!" + policy_domain + "!" + std::to_string(begin) + "!" + std::to_string(end) +
         "!" + unique + ".json.gz";
}

ReportIdentity make_identity(const std::string& submitter, const std::string& day,
                             const std::string& unique) {
  const auto start = day_start(day);
  if (!start) throw std::invalid_argument("not a day: " + day);
  return {submitter, unique, *start, *start + 86400 - 1};
}

nlohmann::ordered_json build_report(const DomainDay& day, const ReportIdentity& id,
                                    const DefectSet& defects) {
  nlohmann::ordered_json report;
  report["organization-name"] = id.submitter;
  report["date-range"] = {{"start-datetime", rfc3339(id.begin)}, {"end-datetime", rfc3339(id.end)}};
  report["contact-info"] = id.contact();
  report["report-id"] = id.report_id(day.policy_domain);
  auto policies = nlohmann::ordered_json::array();
  for (const auto& p : day.policies)
    policies.push_back(policy_json(day.policy_domain, p, defects));
  // RPT-22: always an array, even for one policy (the defect sends the lone object).
  if (defects.has(Defect::policies_as_object) && policies.size() == 1) {
    report["policies"] = policies.front();
  } else {
    report["policies"] = policies;
  }
  return report;
}

std::string random_unique() {
  std::random_device rd;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
  return buf;
}

}  // namespace stslab::sender
