// Reads what a scenario expects: `expect` (outcomes per message), `expect_report` (what the
// TLS-RPT reports must show) and `expect_policy_fetch`. Each check the judge runs is declared
// here, in the scenario file, never chosen by requirement IDs in the engine.
#pragma once

#include <map>
#include <string>

#include "stslab/harness/scenario.hpp"
#include "yaml_reader.hpp"

namespace stslab::harness::detail {

// `expect:` {name: [outcome, ...]}; `sent` maps the timeline's message names to their lines.
void read_expect(const YAML::Node& expect, const std::map<std::string, int>& sent, Scenario& s,
                 Diagnostics& diag);

// `expect_report:` either a list of RFC 8460 §4.3 result types or a map {types: [...],
// dkim: verified|any, policy_string: served|any}. Needs a report step; adds the need tls-rpt.
void read_expect_report(const YAML::Node& node, Scenario& s, Diagnostics& diag);

// `expect_policy_fetch:` true or false.
void read_expect_policy_fetch(const YAML::Node& node, Scenario& s, Diagnostics& diag);

}  // namespace stslab::harness::detail
