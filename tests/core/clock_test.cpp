#include "stslab/core/clock.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <string>

namespace stslab::core {
namespace {

using namespace std::chrono_literals;

// Runs `check` in a forked child, whose lab_start_offset() is not yet fixed, with
// STSLAB_LAB_START set to `value`; true if it returned true.
bool in_child_with_start(const char* value, const std::function<bool()>& check) {
  const pid_t pid = fork();
  if (pid == 0) {
    setenv(kLabStartVariable, value, 1);
    bool ok = false;
    try {
      ok = check();
    } catch (...) {
    }
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

TEST(LabClock, StartsAtTheLabsStartingInstant) {
  LabClock clock;
  // Real time, unless STSLAB_LAB_START moved the whole process's labs (scripts/test-calendar).
  EXPECT_EQ(clock.offset(), lab_start_offset());
  const auto delta = clock.now() - std::chrono::system_clock::now() - lab_start_offset();
  EXPECT_LT(std::chrono::abs(delta), 1s);
}

TEST(LabClock, AdvanceMovesNowForward) {
  LabClock clock;
  const auto start = clock.offset();
  clock.advance(std::chrono::hours(48));
  clock.advance(std::chrono::hours(1));
  EXPECT_EQ(clock.offset(), start + std::chrono::hours(49));
  const auto delta =
      clock.now() - std::chrono::system_clock::now() - start - std::chrono::hours(49);
  EXPECT_LT(std::chrono::abs(delta), 1s);
  clock.set_offset({});
  EXPECT_EQ(clock.offset(), LabClock::duration::zero());
}

TEST(LabClock, FormatsRfc3339Utc) {
  const LabClock::time_point t{std::chrono::milliseconds(1700000000123)};
  EXPECT_EQ(format_rfc3339(t), "2023-11-14T22:13:20.123Z");
}

TEST(LabClock, ParsesRfc3339UtcStartingInstants) {
  const auto leap_day = parse_rfc3339_utc("2028-02-29T23:59:30Z");
  ASSERT_TRUE(leap_day.has_value());
  EXPECT_EQ(format_rfc3339(*leap_day), "2028-02-29T23:59:30.000Z");
  EXPECT_EQ(parse_rfc3339_utc("2026-12-31T23:59:30.5Z"), parse_rfc3339_utc("2026-12-31T23:59:30Z"));
  EXPECT_EQ(parse_rfc3339_utc("2026-12-31T23:59:30+00:00"),
            parse_rfc3339_utc("2026-12-31T23:59:30Z"));
  for (const char* bad :
       {"", "2027-02-29T00:00:00Z", "2028-13-01T00:00:00Z", "2028-02-01T24:00:00Z",
        "2028-02-01T00:00:00", "2028-02-01T00:00:00+01:00", "2028-02-01 00:00:00Z", "tomorrow",
        "2028-02-01T00:00:00Zjunk"}) {
    EXPECT_FALSE(parse_rfc3339_utc(bad).has_value()) << bad;
  }
}

TEST(LabClock, TheStartVariableMovesEveryClockOfTheProcessToThatInstant) {
  EXPECT_TRUE(in_child_with_start("2028-02-29T23:59:30Z", [] {
    const auto want = *parse_rfc3339_utc("2028-02-29T23:59:30Z");
    LabClock first;
    LabClock second;
    const bool whole_seconds = lab_start_offset() % std::chrono::seconds(1) == LabClock::duration{};
    return whole_seconds && first.offset() == second.offset() &&
           std::chrono::abs(first.now() - want) < 5s;
  }));
}

TEST(LabClock, AMalformedStartVariableIsRefusedByName) {
  EXPECT_TRUE(in_child_with_start("2028-02-30T00:00:00Z", [] {
    try {
      lab_start_offset();
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      return what.find("STSLAB_LAB_START=2028-02-30T00:00:00Z") != std::string::npos &&
             what.find("RFC 3339") != std::string::npos;
    }
    return false;
  }));
}

}  // namespace
}  // namespace stslab::core
