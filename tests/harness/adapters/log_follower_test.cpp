#include "stslab/harness/adapters/log_follower.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>

namespace stslab::harness::adapters {
namespace {

namespace fs = std::filesystem;

// Collects what the follower hands over and lets the test wait for a count, with a deadline.
struct Lines {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::pair<std::size_t, std::string>> got;

  LogFollower::LineHandler handler() {
    return [this](std::size_t file, std::string_view line) {
      std::lock_guard lock(mutex);
      got.emplace_back(file, std::string(line));
      changed.notify_all();
    };
  }
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(5), [&] { return got.size() >= n; });
  }
};

class LogFollowerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("stslab-follow-" + std::to_string(getpid()));
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  void append(const std::string& name, const std::string& text) {
    std::ofstream(dir / name, std::ios::app) << text;
  }
  fs::path dir;
};

TEST_F(LogFollowerTest, HandsOverLinesAsTheyAreAppendedIncludingFilesCreatedLater) {
  append("a.log", "before start\n");
  Lines lines;
  LogFollower follower({(dir / "a.log").string(), (dir / "b.log").string()}, lines.handler());
  follower.start();
  ASSERT_TRUE(lines.wait_for(1));
  append("b.log", "created later\n");
  ASSERT_TRUE(lines.wait_for(2));
  append("a.log", "one\ntwo\n");
  ASSERT_TRUE(lines.wait_for(4));
  follower.stop();
  std::lock_guard lock(lines.mutex);
  EXPECT_EQ(lines.got[0], std::make_pair(std::size_t{0}, std::string("before start")));
  EXPECT_EQ(lines.got[1], std::make_pair(std::size_t{1}, std::string("created later")));
  EXPECT_EQ(lines.got[2].second, "one");
  EXPECT_EQ(lines.got[3].second, "two");
}

TEST_F(LogFollowerTest, HoldsAnUnfinishedLineUntilItsNewline) {
  Lines lines;
  LogFollower follower({(dir / "a.log").string()}, lines.handler());
  follower.start();
  append("a.log", "first\nsec");
  ASSERT_TRUE(lines.wait_for(1));
  follower.drain();  // the partial line is read now, and must not be handed over
  {
    std::lock_guard lock(lines.mutex);
    EXPECT_EQ(lines.got.size(), 1u);
  }
  append("a.log", "ond\n");
  ASSERT_TRUE(lines.wait_for(2));
  follower.stop();
  EXPECT_EQ(lines.got[1].second, "second");
}

TEST_F(LogFollowerTest, StopReadsWhatWasWrittenLast) {
  Lines lines;
  LogFollower follower({(dir / "a.log").string()}, lines.handler());
  follower.start();
  append("a.log", "last words\n");
  follower.stop();  // no waiting: stop() itself drains
  ASSERT_EQ(lines.got.size(), 1u);
  EXPECT_EQ(lines.got[0].second, "last words");
  follower.stop();  // idempotent
}

TEST_F(LogFollowerTest, CanSkipWhatTheFilesAlreadyHeld) {
  append("a.log", "from an earlier run\n");
  Lines lines;
  LogFollower follower({(dir / "a.log").string(), (dir / "b.log").string()}, lines.handler());
  follower.start(/*skip_existing=*/true);
  append("a.log", "new\n");
  ASSERT_TRUE(lines.wait_for(1));
  follower.stop();
  ASSERT_EQ(lines.got.size(), 1u);
  EXPECT_EQ(lines.got[0].second, "new");
}

TEST_F(LogFollowerTest, AMissingDirectoryIsAnError) {
  Lines lines;
  LogFollower follower({(dir / "nope" / "a.log").string()}, lines.handler());
  EXPECT_THROW(follower.start(), std::system_error);
}

}  // namespace
}  // namespace stslab::harness::adapters
