// The lab clock: one "now" for the whole lab. The harness moves it forward to test caches and
// certificate expiry; certificates are minted relative to it, so a moved MTA clock (libfaketime)
// and the lab's certificates always agree.
#pragma once

#include <atomic>
#include <chrono>

namespace stslab::core {

class LabClock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  using duration = std::chrono::system_clock::duration;

  // Real wall-clock time plus the current offset.
  time_point now() const;
  // How far the lab is ahead of the real clock.
  duration offset() const;
  // Moves "now" forward (or back, with a negative duration).
  void advance(duration by);
  void set_offset(duration offset);

 private:
  std::atomic<duration::rep> offset_ticks_{0};
};

// RFC 3339 UTC with millisecond precision, e.g. "2026-11-22T23:13:26.123Z".
std::string format_rfc3339(LabClock::time_point t);

}  // namespace stslab::core
