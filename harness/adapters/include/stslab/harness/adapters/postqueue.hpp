// Reads `postqueue -j` (one JSON object per queued message) into QueueEntry rows, one per
// recipient: the deferred queue gives state "deferred" with Postfix's delay_reason; the
// incoming, active, maildrop and hold queues give "queued".
#pragma once

#include <string_view>
#include <vector>

#include "stslab/harness/adapter.hpp"

namespace stslab::harness::adapters {

// Throws std::runtime_error naming the line that is not a postqueue JSON object.
std::vector<QueueEntry> parse_postqueue_json(std::string_view output);

}  // namespace stslab::harness::adapters
