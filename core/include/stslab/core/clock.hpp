// The lab clock: one "now" for the whole lab. The harness moves it forward to test caches and
// certificate expiry; certificates are minted relative to it, so a moved MTA clock (libfaketime)
// and the lab's certificates always agree.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

namespace stslab::core {

class LabClock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  using duration = std::chrono::system_clock::duration;

  // Starts at the lab's starting instant: real time, or STSLAB_LAB_START (lab_start_offset()).
  LabClock();
  // Starts `start_offset` away from real time, whatever STSLAB_LAB_START says: for a lab whose
  // sender runs in this very process and so reads the real clock (the sender library's tests).
  explicit LabClock(duration start_offset);

  // Real wall-clock time plus the current offset.
  time_point now() const;
  // How far the lab is ahead of the real clock.
  duration offset() const;
  // Moves "now" forward (or back, with a negative duration).
  void advance(duration by);
  void set_offset(duration offset);

 private:
  std::atomic<duration::rep> offset_ticks_;
};

// The environment variable that starts every lab clock of this process at a chosen instant,
// e.g. STSLAB_LAB_START=2028-02-29T23:59:30Z, so that the tests can be run on any date
// (scripts/test-calendar). Everything the lab starts then runs under libfaketime at the same
// offset, and every certificate it mints is minted for that time.
inline constexpr const char* kLabStartVariable = "STSLAB_LAB_START";

// How far the lab starts ahead of the real clock (negative: behind), in whole seconds so that
// libfaketime's "+N" offsets agree with it exactly. Read once per process from
// STSLAB_LAB_START and then fixed, so every clock of the process shares one instant; zero when
// the variable is unset or empty. Throws std::invalid_argument naming the variable and the
// expected form when its value is not an RFC 3339 UTC time.
LabClock::duration lab_start_offset();

// "2028-02-29T23:59:30Z" (a fraction of a second is ignored; "Z" or "+00:00" only) as a time
// point; nullopt for anything else, including impossible dates such as 2027-02-29.
std::optional<LabClock::time_point> parse_rfc3339_utc(const std::string& text);

// RFC 3339 UTC with millisecond precision, e.g. "2026-11-22T23:13:26.123Z".
std::string format_rfc3339(LabClock::time_point t);

}  // namespace stslab::core
