#include "stslab/sender/report_aggregate.hpp"

#include <algorithm>
#include <cstdio>
#include <tuple>

namespace stslab::sender {
namespace {

std::string text(const nlohmann::json& line, const char* key) {
  auto it = line.find(key);
  return it != line.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> strings(const nlohmann::json& line, const char* key) {
  std::vector<std::string> out;
  auto it = line.find(key);
  if (it == line.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

bool is_policy_failure(const std::string& type) {
  return type == "sts-policy-fetch-error" || type == "sts-policy-invalid" ||
         type == "sts-webpki-invalid";
}

PolicyTally& entry_for(DomainDay& dd, const std::string& type, const std::vector<std::string>& ps,
                       const std::vector<std::string>& mx) {
  for (auto& p : dd.policies) {
    if (p.policy_type == type && p.policy_string == ps && p.mx_host == mx) return p;
  }
  dd.policies.push_back({type, ps, mx, 0, 0, {}});
  return dd.policies.back();
}

void add_failure(PolicyTally& p, FailureTally f) {
  ++p.failures;
  for (auto& d : p.details) {
    if (std::tie(d.result_type, d.sending_mta_ip, d.receiving_mx_hostname, d.receiving_ip,
                 d.failure_reason_code) == std::tie(f.result_type, f.sending_mta_ip,
                                                    f.receiving_mx_hostname, f.receiving_ip,
                                                    f.failure_reason_code)) {
      ++d.count;
      return;
    }
  }
  f.count = 1;
  p.details.push_back(std::move(f));
}

// Counts one record into `dd`. Returns false when it does not count at all.
bool count(DomainDay& dd, const SessionRecord& r, const DefectSet& defects) {
  std::string type = r.result_type;
  if (type.empty()) return false;
  if (defects.has(Defect::wrong_result_type) && type == "starttls-not-supported") {
    type = "validation-failure";
  }
  const bool failure = type != "success";
  if (failure && defects.has(Defect::no_report_in_testing) && r.policy_mode == "testing") {
    return false;
  }
  const bool sts = r.policy_type == "sts";
  static const std::vector<std::string> kNone;
  if (r.kind == "policy") {
    // A fetch that worked is no session; a failed one counts (STS-RPT-01) unless a cached
    // policy of mode none is what applies (STS-RPT-02).
    if (!failure || !is_policy_failure(type) || r.policy_mode == "none") return false;
    auto& entry =
        sts ? entry_for(dd, "sts", r.policy_string, r.mx_host) : entry_for(dd, "sts", kNone, kNone);
    add_failure(entry, {type, r.sending_mta_ip, "", "", r.failure_reason_code, 0});
    return true;
  }
  if (r.kind != "session") return false;
  if (!sts) {
    // No active policy: nothing can fail against it (RFC 8461 §5), only TLS sessions count.
    if (failure) return false;
    ++entry_for(dd, "no-policy-found", kNone, kNone).successes;
    return true;
  }
  auto& entry = entry_for(dd, "sts", r.policy_string, r.mx_host);
  if (!failure) {
    ++entry.successes;
    return true;
  }
  add_failure(entry, {type, r.sending_mta_ip, r.receiving_mx_hostname, r.receiving_ip,
                      r.failure_reason_code, 0});
  return true;
}

// A failure seen before we had a connection (an MX outside the policy under enforce, a fetch
// that could not connect) has no local address of its own; RFC 8460 §4.4 wants one, and it is
// this host's, which other sessions of the day know.
void fill_sending_ip(DomainDay& dd, const std::string& known) {
  if (known.empty()) return;
  for (auto& p : dd.policies) {
    for (auto& d : p.details) {
      if (d.sending_mta_ip.empty()) d.sending_mta_ip = known;
    }
  }
}

}  // namespace

std::optional<SessionRecord> parse_session_record(const nlohmann::json& line) {
  if (!line.is_object()) return std::nullopt;
  SessionRecord r;
  const std::string time = text(line, "time");
  r.policy_domain = text(line, "policy-domain");
  if (time.size() < 10 || r.policy_domain.empty()) return std::nullopt;
  r.day = time.substr(0, 10);
  r.kind = text(line, "kind");
  r.policy_type = text(line, "policy-type");
  r.policy_mode = text(line, "policy-mode");
  r.policy_string = strings(line, "policy-string");
  r.mx_host = strings(line, "mx-host");
  r.result_type = text(line, "result-type");
  r.failure_reason_code = text(line, "failure-reason-code");
  r.sending_mta_ip = text(line, "sending-mta-ip");
  r.receiving_mx_hostname = text(line, "receiving-mx-hostname");
  r.receiving_ip = text(line, "receiving-ip");
  r.sender_domain = text(line, "sender-domain");
  return r;
}

std::vector<DomainDay> aggregate_sessions(const std::vector<SessionRecord>& records,
                                          const DefectSet& defects) {
  std::map<std::pair<std::string, std::string>, DomainDay> by_key;  // (day, domain): sorted
  std::map<std::pair<std::string, std::string>, std::string> known_ip;
  for (const auto& r : records) {
    const auto key = std::make_pair(r.day, r.policy_domain);
    auto [it, fresh] = by_key.try_emplace(key);
    DomainDay& dd = it->second;
    if (fresh) {
      dd.policy_domain = r.policy_domain;
      dd.day = r.day;
    }
    if (!r.sender_domain.empty()) dd.sender_domain = r.sender_domain;
    if (!r.sending_mta_ip.empty()) known_ip[key] = r.sending_mta_ip;
    count(dd, r, defects);
  }
  std::vector<DomainDay> out;
  for (auto& [key, dd] : by_key) {
    if (dd.policies.empty()) continue;
    fill_sending_ip(dd, known_ip[key]);
    out.push_back(std::move(dd));
  }
  return out;
}

std::string utc_day(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::optional<std::time_t> day_start(const std::string& day) {
  std::tm tm{};
  if (day.size() != 10 ||
      std::sscanf(day.c_str(), "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1) || utc_day(t) != day) return std::nullopt;
  return t;
}

}  // namespace stslab::sender
