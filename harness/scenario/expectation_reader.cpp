#include "expectation_reader.hpp"

#include <algorithm>

#include "stslab/core/tlsrpt_result_types.hpp"

namespace stslab::harness::detail {
namespace {

// One of two words (`yes` sets true, `no` false); anything else is an error naming both.
std::optional<bool> read_choice(const YAML::Node& node, const std::string& field,
                                const std::string& yes, const std::string& no, Diagnostics& diag) {
  const auto word = read_string(node, field, diag);
  if (!word) return std::nullopt;
  if (*word == yes) return true;
  if (*word == no) return false;
  diag.error(node, field, "expected '" + yes + "' or '" + no + "', got '" + *word + "'");
  return std::nullopt;
}

void read_result_types(const YAML::Node& node, const std::string& field, ReportExpectation& e,
                       Diagnostics& diag) {
  const auto list = read_string_list(node, field, diag);
  if (!list) return;
  if (list->empty()) diag.error(node, field, "at least one result type");
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string& type = (*list)[i];
    if (core::is_tlsrpt_result_type(type)) {
      e.types.push_back(type);
      continue;
    }
    std::string known;
    for (const auto t : core::kTlsRptResultTypes)
      known += (known.empty() ? "" : ", ") + std::string(t);
    diag.error(node[i], index_field(field, i),
               "unknown result type '" + type + "' (RFC 8460 §4.3: " + known + ")");
  }
}

void read_report_checks(const YAML::Node& node, ReportExpectation& e, Diagnostics& diag) {
  if (!check_map(node, "expect_report", {"types", "dkim", "policy_string"}, diag)) return;
  if (const YAML::Node types = node["types"]) {
    read_result_types(types, "expect_report.types", e, diag);
  } else {
    diag.error(node, "expect_report.types", "missing (required): the result types to report");
  }
  if (const YAML::Node dkim = node["dkim"]) {
    if (const auto v = read_choice(dkim, "expect_report.dkim", "verified", "any", diag)) {
      e.dkim_verified = *v;
    }
  }
  if (const YAML::Node ps = node["policy_string"]) {
    if (const auto v = read_choice(ps, "expect_report.policy_string", "served", "any", diag)) {
      e.policy_string_served = *v;
    }
  }
}

}  // namespace

void read_expect_report(const YAML::Node& node, Scenario& s, Diagnostics& diag) {
  if (node.IsMap()) {
    read_report_checks(node, s.expect_report, diag);
  } else {
    read_result_types(node, "expect_report", s.expect_report, diag);
  }
  const bool reports = std::any_of(s.steps.begin(), s.steps.end(),
                                   [](const Step& st) { return st.kind == Step::Kind::report; });
  if (!reports) {
    diag.error(node, "expect_report", "no step asks for the reports: add a 'report' step");
  }
  if (std::find(s.needs.begin(), s.needs.end(), "tls-rpt") == s.needs.end()) {
    s.needs.push_back("tls-rpt");
    std::sort(s.needs.begin(), s.needs.end());
  }
}

void read_expect_policy_fetch(const YAML::Node& node, Scenario& s, Diagnostics& diag) {
  if (const auto v = read_bool(node, "expect_policy_fetch", diag)) s.expect_policy_fetch = *v;
}

namespace {

// One message's acceptable outcomes: a non-empty list of distinct outcome words.
std::vector<Outcome> read_outcomes(const YAML::Node& list, const std::string& field,
                                   Diagnostics& diag) {
  std::vector<Outcome> outcomes;
  if (!list.IsSequence() || list.size() == 0) {
    diag.error(list, field,
               "expected a non-empty list of outcomes, e.g. [withheld], got " +
                   std::string(kind_name(list)));
    return outcomes;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto text = read_string(list[i], index_field(field, i), diag);
    if (!text) continue;
    try {
      const Outcome o = parse_outcome(*text);
      if (std::find(outcomes.begin(), outcomes.end(), o) != outcomes.end()) {
        diag.error(list[i], index_field(field, i), "'" + *text + "' is listed twice");
      } else {
        outcomes.push_back(o);
      }
    } catch (const std::invalid_argument& e) {
      diag.error(list[i], index_field(field, i), e.what());
    }
  }
  return outcomes;
}

}  // namespace

void read_expect(const YAML::Node& expect, const std::map<std::string, int>& sent, Scenario& s,
                 Diagnostics& diag) {
  if (!check_map(expect, "expect", {}, diag)) return;
  if (expect.size() == 0) {
    diag.error(expect, "expect", "no message is scored; expect at least one");
    return;
  }
  for (const auto& entry : expect) {
    const std::string name = entry.first.Scalar();
    const std::string f = join_field("expect", name);
    if (!sent.contains(name)) {
      std::string names;
      for (const auto& [n, line] : sent)
        names += (names.empty() ? "" : ", ") + n;
      diag.error(entry.first, f,
                 "message '" + name + "' is never sent (sent: " +
                     (names.empty() ? std::string("none") : names) + ")");
      continue;
    }
    auto outcomes = read_outcomes(entry.second, f, diag);
    if (!outcomes.empty()) s.expect[name] = std::move(outcomes);
  }
}

}  // namespace stslab::harness::detail
