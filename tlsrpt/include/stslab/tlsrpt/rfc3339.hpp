// RFC 3339 §5.6 date-time, as RFC 8460 §4.4 requires for start-datetime and end-datetime.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace stslab::tlsrpt {

struct DateTime {
  std::int64_t unix_seconds = 0;  // fractions dropped
  bool has_zone = true;           // false: "2026-03-31T00:00:00", read as UTC
};

// nullopt unless `text` is full-date "T" full-time, optionally without the zone (which RFC
// 3339 requires: the caller reports that; Microsoft's reports have been seen without one).
std::optional<DateTime> parse_rfc3339(std::string_view text);

}  // namespace stslab::tlsrpt
