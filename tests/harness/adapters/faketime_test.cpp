// The lab's bound on libfaketime's cache (kFaketimeStaleness), checked against the installed
// libfaketime: after a change of the timestamp file and that wait, a long-running program
// reads the new time. If a libfaketime version cached longer, the lab would judge time-moving
// scenarios against a sender still living in the old time; this test says so first.
#include "stslab/harness/adapters/faketime.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "stslab/core/process.hpp"
#include "stslab/harness/adapter.hpp"
#include "stslab/testing/scratch_dir.hpp"

namespace stslab::harness::adapters {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::vector<long long> printed_times(const std::string& log) {
  std::ifstream in(log);
  std::vector<long long> out;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(std::stoll(line));
  }
  return out;
}

void write_offset(const std::string& file, const std::string& offset) {
  // As LabServices does: a new file renamed over the old one.
  std::ofstream(file + ".new") << offset << "\n";
  fs::rename(file + ".new", file);
}

TEST(Faketime, ARunningProgramSeesAClockMoveWithinTheStalenessBound) {
  const auto library = find_faketime_library(kFaketimeLibraryGlobs);
  if (library.empty()) GTEST_SKIP() << "libfaketime is not installed";
  const stslab::testing::ScratchDir scratch("stslab-faketime-test");
  const fs::path dir = scratch.path();
  const auto stamp = (dir / "faketime.rc").string();
  const auto log = (dir / "times.log").string();
  write_offset(stamp, "+0");

  // perl: a long-lived process that asks for the time every 20 ms and prints it.
  core::ProcessSpec spec{.argv = {"perl", "-e",
                                  "$| = 1; while (1) { print time(), qq(\\n); "
                                  "select(undef, undef, undef, 0.02); }"}};
  for (auto& [name, value] : faketime_env(library, stamp))
    spec.env.emplace_back(name, value);
  auto child = core::Child::spawn(spec, log);
  const auto started = Clock::now();
  while (printed_times(log).empty() && Clock::now() - started < std::chrono::seconds(10)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_FALSE(printed_times(log).empty()) << "perl under libfaketime printed nothing";

  constexpr long long kYear = 365LL * 24 * 3600;
  for (int move = 1; move <= 2; ++move) {
    write_offset(stamp, "+" + std::to_string(move * kYear));
    std::this_thread::sleep_for(kFaketimeStaleness);  // what LabServices::advance waits
    const auto seen = printed_times(log).size();
    // The first line after the wait may have been stamped just before it ended; the second
    // was stamped after it.
    while (printed_times(log).size() < seen + 2 &&
           Clock::now() - started < std::chrono::minutes(1)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const auto times = printed_times(log);
    ASSERT_GE(times.size(), seen + 2);
    const long long now = static_cast<long long>(std::time(nullptr));
    EXPECT_GT(times[seen + 1], now + move * kYear - 60)
        << "move " << move << ": still the old time " << kFaketimeStaleness.count()
        << " ms after the timestamp file changed";
  }
  child.stop(std::chrono::milliseconds(0));
}

}  // namespace
}  // namespace stslab::harness::adapters
