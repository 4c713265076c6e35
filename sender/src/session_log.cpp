#include "stslab/sender/session_log.hpp"

#include <chrono>
#include <ctime>
#include <fstream>

namespace stslab::sender {
namespace {

std::string utc_now() {
  // Wall clock (libfaketime applies), RFC 3339 in UTC.
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A session is judged against a policy only under enforce or testing (§5): mode none and no
// policy both mean "no-policy-found" for TLS-RPT.
bool sts_applies(const ActivePolicy& p) {
  return p.policy && p.policy->mode != PolicyMode::none;
}

}  // namespace

std::string rpt_result_type(const std::string& failure, const DefectSet& defects) {
  if (failure == "starttls-not-offered" || failure == "starttls-refused") {
    return defects.has(Defect::wrong_result_type) ? "validation-failure" : "starttls-not-supported";
  }
  if (failure == "certificate-expired" || failure == "certificate-host-mismatch" ||
      failure == "certificate-not-trusted") {
    return failure;
  }
  // RFC 8460 §4.3.3: what fits no other type is a validation failure. An MX outside the policy
  // is reported so too (requirements.md accepts it), with the reason in failure-reason-code.
  if (failure == "tls-handshake-failed" || failure == "mx-not-in-policy") {
    return "validation-failure";
  }
  return {};
}

std::string session_result_type(const ActivePolicy& p, const Attempt& a, const DefectSet& defects) {
  if (!sts_applies(p)) {
    // No policy to fail: a TLS session is a success, anything else is not counted
    // (STS-APPLY-05: under mode none no MTA-STS failure may be reported).
    return a.tls != "none" && (a.result == "delivered" || a.starttls_decided) ? "success" : "";
  }
  if (a.result == "mx-not-in-policy") return rpt_result_type(a.result, defects);
  if (a.result != "delivered" && !a.starttls_decided) return "";  // never got to TLS (§4.3.4)
  for (const auto& f : a.tls_failures) {
    if (auto type = rpt_result_type(f, defects); !type.empty()) return type;
  }
  return a.tls != "none" ? "success" : "";  // "": the plaintext retry after a failed handshake
}

SessionLog::SessionLog(std::filesystem::path state_dir, std::string message_id,
                       std::string sender_domain, DefectSet defects)
    : file_(std::move(state_dir) / "sessions.jsonl"),
      message_id_(std::move(message_id)),
      sender_domain_(std::move(sender_domain)),
      defects_(defects) {}

nlohmann::json SessionLog::common(const char* kind, const ActivePolicy& p) const {
  nlohmann::json j;
  j["time"] = utc_now();
  j["kind"] = kind;
  j["message-id"] = message_id_;
  j["sender-domain"] = sender_domain_;
  j["policy-domain"] = p.domain;
  // RFC 8461 §5: a policy in mode none means "no active policy", so TLS-RPT sees none.
  j["policy-type"] = sts_applies(p) ? "sts" : "no-policy-found";
  const bool any = p.policy.has_value();
  j["policy-mode"] = any ? nlohmann::json(to_string(p.policy->mode)) : nlohmann::json(nullptr);
  j["policy-id"] = any ? nlohmann::json(p.id) : nlohmann::json(nullptr);
  j["policy-source"] = p.source;
  j["policy-string"] = any ? p.policy->lines() : std::vector<std::string>{};
  j["mx-host"] = any ? p.policy->mx : std::vector<std::string>{};
  return j;
}

// no-report-in-testing: a failure under a testing policy leaves no trace at all.
static bool hidden_by_defect(const ActivePolicy& p, const std::string& result, const DefectSet& d) {
  return d.has(Defect::no_report_in_testing) && p.policy && p.policy->mode == PolicyMode::testing &&
         !result.empty() && result != "success";
}

void SessionLog::policy_event(const ActivePolicy& p) {
  if (!p.fetched && !p.policy) return;  // nothing was discovered and nothing tried
  auto j = common("policy", p);
  const std::string result =
      p.fetched && !p.fetch_failure.empty() ? p.fetch_failure : std::string("success");
  if (hidden_by_defect(p, result, defects_)) return;
  j["result-type"] = result;
  j["failure-reason-code"] = p.fetch_detail;
  j["sending-mta-ip"] = p.fetch_local_address;
  j["detail"] = p.note;
  append(j);
}

void SessionLog::session(const ActivePolicy& p, const Attempt& a) {
  auto j = common("session", p);
  const std::string result = session_result_type(p, a, defects_);
  if (hidden_by_defect(p, result, defects_)) return;
  j["result-type"] = result.empty() ? nlohmann::json(nullptr) : nlohmann::json(result);
  j["failure-reason-code"] = a.tls_failures.empty() ? a.detail : a.tls_failure_detail;
  j["sending-mta-ip"] = a.local_address;
  j["receiving-mx-hostname"] = a.mx;
  j["receiving-ip"] = a.address;
  j["attempt-result"] = a.result;
  j["tls"] = a.tls;
  j["detail"] = a.detail;
  append(j);
}

void SessionLog::append(const nlohmann::json& line) const {
  std::filesystem::create_directories(file_.parent_path());
  std::ofstream out(file_, std::ios::app);
  out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace stslab::sender
