// The report expectation (`expect_report`) against the tlsrpt.report events the report collector
// journalled: attribution by result type, the checks the scenario declares (DKIM, the policy
// string), and the validator's findings (docs/tlsrpt.md).
#include <algorithm>
#include <set>
#include <sstream>

#include "stslab/core/events/harness.hpp"
#include "stslab/core/names.hpp"
#include "stslab/harness/judge.hpp"
#include "stslab/harness/world_applier.hpp"

namespace stslab::harness {
namespace {

// A member of a JSON object, or null: iterating null visits nothing.
const nlohmann::json& member(const nlohmann::json& j, const char* key) {
  static const nlohmann::json none;
  if (!j.is_object()) return none;
  const auto it = j.find(key);
  return it == j.end() ? none : *it;
}

// A string member of a JSON object, or `fallback` for anything else: reports are the sender's
// data, and a report of the wrong shape must give a finding, never an exception.
std::string text(const nlohmann::json& j, const char* key, const char* fallback = "") {
  const auto& v = member(j, key);
  return v.is_string() ? v.get<std::string>() : std::string(fallback);
}

// A policy line without its line ending and trailing blanks.
std::string trim_line(std::string line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
    line.pop_back();
  }
  return line;
}

using PolicyLines = std::vector<std::string>;

// Every policy a world of the scenario served (a step may have changed it), as lines.
std::vector<PolicyLines> served_policies(const Scenario& scenario) {
  std::vector<PolicyLines> served;
  const auto add = [&](const WorldSpec& w) {
    if (!w.policy) return;
    PolicyLines lines;
    std::istringstream stream(render_policy(*w.policy, scenario.domain()));
    for (std::string line; std::getline(stream, line);) {
      line = trim_line(line);
      if (!line.empty()) lines.push_back(line);
    }
    served.push_back(std::move(lines));
  };
  add(scenario.world);
  for (const auto& step : scenario.steps) {
    if (step.kind == Step::Kind::change) add(step.change);
  }
  return served;
}

// What the reports of one scenario showed.
struct ReportFindings {
  bool any = false;
  bool dkim_verified = false;  // some mailed report's signature verified
  std::set<std::string> reported_types;
  std::vector<std::string> invalid, sloppy, dkim;
};

void read_signatures(const nlohmann::json& signatures, const std::string& via,
                     ReportFindings& out) {
  for (const auto& sig : signatures) {
    const std::string status = text(sig, "status");
    const std::string who = "(d=" + text(sig, "domain") + ", s=" + text(sig, "selector") + ")";
    out.dkim_verified = out.dkim_verified || status == "verified";
    out.dkim.push_back(via + ": DKIM signature " +
                       (status == "verified" ? "verified " + who
                                             : who + " " + status + ": " + text(sig, "detail")));
  }
}

// RPT-25: an sts policy-string is the policy served, one string per line. An empty one is what a
// sender writes when no policy could be fetched.
void check_policy_strings(const nlohmann::json& report, const std::string& domain,
                          const std::vector<PolicyLines>& served, const std::string& via,
                          ReportFindings& out) {
  for (const auto& p : member(report, "policies")) {
    const auto& policy = member(p, "policy");
    if (text(policy, "policy-type") != "sts" ||
        !core::name_is_at_or_below(text(policy, "policy-domain"), domain)) {
      continue;
    }
    const auto& lines = member(policy, "policy-string");
    if (!lines.is_array() || lines.empty()) continue;
    PolicyLines sent;
    for (const auto& l : lines) {
      auto line = l.is_string() ? trim_line(l.get<std::string>()) : l.dump();
      if (!line.empty()) sent.push_back(std::move(line));
    }
    if (std::find(served.begin(), served.end(), sent) == served.end()) {
      out.invalid.push_back(via + ": RPT-25 (MUST): the policy-string is not a policy this " +
                            "domain served: " + lines.dump());
    }
  }
}

void read_report(const core::events::TlsrptReport& e, const Scenario& scenario,
                 const std::vector<PolicyLines>& served, ReportFindings& out) {
  out.any = true;
  const std::string domain = scenario.domain();
  const auto& a = e.analysis;
  const std::string via = e.transport.empty() ? "?" : e.transport;
  if (e.dkim && e.dkim->is_array()) read_signatures(*e.dkim, via, out);
  if (!a.is_object() || text(a, "status") != "ok") {
    const nlohmann::json error = e.error ? nlohmann::json(*e.error) : nlohmann::json();
    out.invalid.push_back(via + ": unreadable report: " + error.dump());
    return;
  }
  for (const auto& d : member(a, "domains")) {
    if (!core::name_is_at_or_below(text(d, "policy-domain"), domain)) continue;
    for (const auto& [type, count] : member(d, "failures-by-result-type").items()) {
      if (count.is_number() && count.get<long long>() > 0) out.reported_types.insert(type);
    }
  }
  if (scenario.expect_report.policy_string_served) {
    check_policy_strings(e.report, domain, served, via, out);
  }
  for (const auto& f : member(a, "findings")) {
    const std::string line =
        via + ": " + text(f, "id") + " (" + text(f, "level") + "): " + text(f, "message");
    const std::string severity_word = text(f, "severity");
    if (severity_word == "invalid") out.invalid.push_back(line);
    if (severity_word == "sloppy") out.sloppy.push_back(line);
  }
}

// The worst of what the findings earn, with its reason; PASS if the reports are as expected.
std::pair<Verdict, std::string> report_verdict(const Scenario& scenario, const ReportFindings& f,
                                               const std::vector<std::string>& missing) {
  Verdict verdict = Verdict::pass;
  std::string reason;
  const auto lower_to = [&](Verdict v, std::string why) {
    if (severity(v) > severity(verdict)) {
      verdict = v;
      reason = std::move(why);
    }
  };
  // Not reporting breaks the scenario's requirement at its level.
  const Verdict broken = verdict_when_broken(scenario.level);
  if (!f.any) {
    lower_to(broken, "no TLS-RPT report for " + scenario.domain() + " arrived");
  } else if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing)
      list += (list.empty() ? "" : ", ") + m;
    lower_to(broken, "the report does not name the induced failure (" + list + ")");
  }
  if (!f.invalid.empty()) lower_to(Verdict::fail, "invalid report: " + f.invalid.front());
  if (!f.sloppy.empty()) lower_to(Verdict::warn, "off-spec report: " + f.sloppy.front());
  // A signature can be judged only against a key the lab knows (the adapter's own DNS records):
  // one nobody could check is no pass. A failed one is already an invalid finding.
  if (f.any && scenario.expect_report.dkim_verified && !f.dkim_verified) {
    lower_to(Verdict::inconclusive,
             "no mailed report's DKIM signature could be verified (the target published no key "
             "in the lab's DNS, or no report came by mail)");
  }
  return {verdict, reason};
}

}  // namespace

void judge_reports(const Scenario& scenario, const std::vector<core::Event>& events,
                   ScenarioResult& result) {
  const auto served = served_policies(scenario);
  ReportFindings found;
  for (const auto& e : events) {
    if (const auto report = core::events::as<core::events::TlsrptReport>(e))
      read_report(*report, scenario, served, found);
  }
  std::vector<std::string> missing;
  for (const auto& type : scenario.expect_report.types) {
    if (!found.reported_types.count(type)) missing.push_back(type);
  }
  result.reported = found.any && missing.empty();
  result.evidence["tlsrpt"] = {{"expected", scenario.expect_report.types},
                               {"reported", std::vector<std::string>(found.reported_types.begin(),
                                                                     found.reported_types.end())},
                               {"invalid", found.invalid},
                               {"sloppy", found.sloppy},
                               {"dkim", found.dkim}};
  // The report verdict joins the messages': the worse one stands.
  const auto [verdict, reason] = report_verdict(scenario, found, missing);
  if (severity(verdict) > severity(result.verdict)) {
    result.verdict = verdict;
    result.reason = "report: " + reason;
  }
}

}  // namespace stslab::harness
