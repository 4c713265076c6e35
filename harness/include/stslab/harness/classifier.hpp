// Decides what happened to one message from the journal: wire evidence first (what the MX and
// the MITM saw), the MTA's own account second. Pure: it reads events, it never waits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stslab/core/journal.hpp"
#include "stslab/harness/outcome.hpp"

namespace stslab::harness {

struct Classification {
  std::optional<Outcome> outcome;            // nullopt: nothing decisive was seen
  std::string reason;                        // one line: the evidence the outcome rests on
  std::vector<std::uint64_t> evidence_seqs;  // the journal events it rests on
};

// `events` is the journal slice of the scenario's domain (in seq order). Only events after
// `after_seq` count (the message's submission).
Classification classify(const std::vector<core::Event>& events, const std::string& recipient,
                        std::uint64_t after_seq);

// True for an event that settles the message for now: it was stored by an MX, or the MTA
// reported a delivery status for it.
bool settles(const core::Event& event, const std::string& recipient);

}  // namespace stslab::harness
