// A sender's own log lines as evidence: follows its log files and journals (Source::mta) the
// events their rules make of each line (log_parser.hpp), for every kind of adapter. A line a
// rule cannot digest becomes an mta.log_error event, never the end of the follower.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "stslab/core/journal.hpp"
#include "stslab/harness/adapters/log_follower.hpp"
#include "stslab/harness/adapters/manifest.hpp"

namespace stslab::harness::adapters {

struct FollowedLog {
  std::string file;  // rendered: a path in the work dir; its directory is created
  std::vector<LogRule> rules;
};

// Started, skipping what the files already hold (an old log is not news). The journal must
// outlive the follower; stop() it before the journal goes.
std::unique_ptr<LogFollower> follow_into_journal(const std::vector<FollowedLog>& logs,
                                                 core::Journal& journal);

}  // namespace stslab::harness::adapters
