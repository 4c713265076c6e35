#include "sample_runs.hpp"

#include <cctype>

namespace stslab::harness::fixtures {

ScenarioResult sample_result(const std::string& id, Verdict verdict, const std::string& reason) {
  ScenarioResult r;
  r.scenario = id;
  r.title = "title of " + id;
  r.requirements = {"STS-APPLY-01", "STS-CACHE-02"};
  r.level = verdict == Verdict::warn ? Level::should : Level::must;
  r.topics = {"starttls", "enforce"};
  r.expected = {Outcome::withheld};
  r.outcome =
      verdict == Verdict::inconclusive ? std::nullopt : std::optional(Outcome::delivered_plaintext);
  r.reported = verdict == Verdict::pass;
  r.verdict = verdict;
  r.reason = reason;
  r.messages = {MessageResult{
      .name = "m1",
      .recipient = "m1@example.test",
      .expected = {Outcome::withheld, Outcome::delivered_tls},
      .outcome = r.outcome,
      .verdict = verdict,
      .reason = reason,
      .evidence = {"event 7: #1 mx1.example.test stored message for m1@example.test in plaintext"},
  }};
  r.duration = std::chrono::milliseconds(1234);
  r.harness_overhead = std::chrono::milliseconds(56);
  r.evidence = {
      {"smtp", {"S: 220 mx1.example.test ESMTP", "C: EHLO sender.test", "S: 250 OK"}},
      {"tls", nlohmann::json::array({{{"version", "TLSv1.3"}, {"sni", nullptr}}})},
      {"dns", nlohmann::json::array()},
      {"timeline", {{{"t_ms", 12}, {"what", "send m1"}}, {{"t_ms", 3.5}, {"what", "flush"}}}},
  };
  return r;
}

std::vector<RunResult> sample_runs() {
  RunResult postfix;
  postfix.target.adapter = "postfix";
  postfix.target.versions = {{"postfix", "3.7.11"}, {"postfix-mta-sts-resolver", "1.4.0"}};
  postfix.started_at = "2024-05-01T12:00:00Z";
  postfix.duration = std::chrono::milliseconds(8200);
  for (Verdict v : {Verdict::pass, Verdict::fail, Verdict::warn, Verdict::info,
                    Verdict::inconclusive, Verdict::unsupported, Verdict::error}) {
    std::string word(to_string(v));
    for (char& c : word)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    postfix.results.push_back(sample_result("v/" + word, v, "reason for " + word));
  }

  RunResult plain;
  plain.target.adapter = "postfix-plain";
  plain.target.versions = {{"postfix", "3.7.11"}};
  plain.started_at = "2024-05-01T12:01:00Z";
  plain.duration = std::chrono::milliseconds(4000);
  plain.results.push_back(sample_result("v/fail", Verdict::fail, "delivered in plaintext"));
  plain.results.push_back(sample_result("v/pass", Verdict::pass, "ok"));
  plain.results.push_back(sample_result("only/plain", Verdict::pass, "ok"));
  return {postfix, plain};
}

}  // namespace stslab::harness::fixtures
