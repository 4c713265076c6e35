// The evidence a person reads under a verdict: the scenario's slice of the journal condensed
// into short lines per source (DNS questions, HTTPS requests, SMTP transcripts, TLS facts,
// attacker actions, the MTA's own words), plus the timeline of steps.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "stslab/core/journal.hpp"

namespace stslab::harness {

// {"dns": [...], "https": [...], "smtp": [...], "tls": [...], "mitm": [...], "mta": [...]}
// Each list is capped (the full journal is in the run's work directory).
nlohmann::json summarize_evidence(const std::vector<core::Event>& events,
                                  std::size_t max_lines_per_source = 60);

// One line for one event ("" for events not worth a line).
std::string describe_event(const core::Event& event);

}  // namespace stslab::harness
