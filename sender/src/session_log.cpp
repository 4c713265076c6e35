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

std::string rpt_result_type(const std::string& failure) {
  if (failure == "starttls-not-offered" || failure == "starttls-refused") {
    return "starttls-not-supported";
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

SessionLog::SessionLog(std::filesystem::path state_dir, std::string message_id)
    : file_(std::move(state_dir) / "sessions.jsonl"), message_id_(std::move(message_id)) {}

nlohmann::json SessionLog::common(const char* kind, const ActivePolicy& p) const {
  nlohmann::json j;
  j["time"] = utc_now();
  j["kind"] = kind;
  j["message-id"] = message_id_;
  j["policy-domain"] = p.domain;
  const bool sts = p.policy.has_value();
  j["policy-type"] = sts ? "sts" : "no-policy-found";
  j["policy-mode"] = sts ? nlohmann::json(to_string(p.policy->mode)) : nlohmann::json(nullptr);
  j["policy-id"] = sts ? nlohmann::json(p.id) : nlohmann::json(nullptr);
  j["policy-source"] = p.source;
  j["policy-string"] = sts ? p.policy->lines() : std::vector<std::string>{};
  j["mx-host"] = sts ? p.policy->mx : std::vector<std::string>{};
  return j;
}

void SessionLog::policy_event(const ActivePolicy& p) {
  if (!p.fetched && !p.policy) return;  // nothing was discovered and nothing tried
  auto j = common("policy", p);
  j["result-type"] = p.fetched && !p.fetch_failure.empty() ? p.fetch_failure : "success";
  j["failure-reason-code"] = p.fetch_detail;
  j["detail"] = p.note;
  append(j);
}

void SessionLog::session(const ActivePolicy& p, const Attempt& a) {
  auto j = common("session", p);
  std::string result;
  if (a.result == "delivered" || a.starttls_decided) {
    // The first MTA-STS failure seen (enforced or not); without a policy to validate against,
    // certificate problems do not count, only whether TLS could be had at all.
    for (const auto& f : a.tls_failures) {
      const auto type = rpt_result_type(f);
      const bool counts =
          sts_applies(p) || type == "starttls-not-supported" || f == "tls-handshake-failed";
      if (!type.empty() && counts) {
        result = type;
        break;
      }
    }
    if (result.empty() && a.tls != "none") result = "success";
  } else if (a.result == "mx-not-in-policy") {
    result = "validation-failure";
  }
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
