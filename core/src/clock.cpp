#include "stslab/core/clock.hpp"

#include <cstdlib>
#include <ctime>
#include <stdexcept>
#include <string>

namespace stslab::core {

LabClock::LabClock() : LabClock(lab_start_offset()) {}

LabClock::LabClock(duration start_offset) : offset_ticks_(start_offset.count()) {}

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

std::optional<LabClock::time_point> parse_rfc3339_utc(const std::string& text) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &consumed) !=
          6 ||
      consumed != 19) {
    return std::nullopt;
  }
  std::string rest = text.substr(19);
  if (!rest.empty() && rest[0] == '.') {  // a fraction of a second: ignored
    std::size_t i = 1;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9')
      ++i;
    if (i == 1) return std::nullopt;
    rest.erase(0, i);
  }
  if (rest != "Z" && rest != "z" && rest != "+00:00") return std::nullopt;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                           day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return std::nullopt;
  return time_point_cast<LabClock::duration>(sys_days{ymd} + hours{h} + minutes{mi} + seconds{s});
}

LabClock::duration lab_start_offset() {
  // Computed once: every clock of the process starts at the same instant, and a later clock
  // does not lose the seconds the process has run.
  static const LabClock::duration offset = [] {
    const char* value = std::getenv(kLabStartVariable);
    if (value == nullptr || *value == '\0') return LabClock::duration::zero();
    const auto start = parse_rfc3339_utc(value);
    if (!start) {
      throw std::invalid_argument(std::string(kLabStartVariable) + "=" + value +
                                  ": expected an RFC 3339 UTC time such as "
                                  "2028-02-29T23:59:30Z");
    }
    const auto ahead = *start - std::chrono::system_clock::now();
    return LabClock::duration(std::chrono::round<std::chrono::seconds>(ahead));
  }();
  return offset;
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
