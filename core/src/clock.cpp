#include "stslab/core/clock.hpp"

#include <ctime>
#include <string>

namespace stslab::core {

LabClock::time_point LabClock::now() const {
  return std::chrono::system_clock::now() + offset();
}

LabClock::duration LabClock::offset() const {
  return duration(offset_ticks_.load(std::memory_order_relaxed));
}

void LabClock::advance(duration by) {
  offset_ticks_.fetch_add(by.count());
}

void LabClock::set_offset(duration offset) {
  offset_ticks_.store(offset.count());
}

std::string format_rfc3339(LabClock::time_point t) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000 - (ms % 1000 < 0 ? 1 : 0));
  const int millis = static_cast<int>(((ms % 1000) + 1000) % 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, millis);
  return out;
}

}  // namespace stslab::core
