#include "stslab/core/clock.hpp"

#include <gtest/gtest.h>

namespace stslab::core {
namespace {

using namespace std::chrono_literals;

TEST(LabClock, StartsAtRealTime) {
  LabClock clock;
  const auto delta = clock.now() - std::chrono::system_clock::now();
  EXPECT_LT(std::chrono::abs(delta), 1s);
  EXPECT_EQ(clock.offset(), LabClock::duration::zero());
}

TEST(LabClock, AdvanceMovesNowForward) {
  LabClock clock;
  clock.advance(std::chrono::hours(48));
  clock.advance(std::chrono::hours(1));
  EXPECT_EQ(clock.offset(), std::chrono::hours(49));
  const auto delta = clock.now() - std::chrono::system_clock::now() - std::chrono::hours(49);
  EXPECT_LT(std::chrono::abs(delta), 1s);
  clock.set_offset({});
  EXPECT_EQ(clock.offset(), LabClock::duration::zero());
}

TEST(LabClock, FormatsRfc3339Utc) {
  const LabClock::time_point t{std::chrono::milliseconds(1700000000123)};
  EXPECT_EQ(format_rfc3339(t), "2023-11-14T22:13:20.123Z");
}

}  // namespace
}  // namespace stslab::core
