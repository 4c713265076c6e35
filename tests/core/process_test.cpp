#include "stslab/core/process.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "stslab/testing/scratch_dir.hpp"

namespace stslab::core {
namespace {

using namespace std::chrono_literals;

// A zombie has exited; only its parent's reaping is pending.
bool running_not_zombie(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return false;
  const auto comm_end = stat.rfind(')');
  return comm_end != std::string::npos && comm_end + 2 < stat.size() && stat[comm_end + 2] != 'Z';
}

TEST(RunProcess, CapturesOutputAndExitCode) {
  const auto r = run_process({.argv = {"sh", "-c", "echo out; echo err >&2; exit 3"}});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  EXPECT_FALSE(r.timed_out);
}

TEST(RunProcess, FeedsStdin) {
  std::string big(200000, 'x');  // larger than a pipe buffer
  const auto r = run_process({.argv = {"wc", "-c"}}, big);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(std::stoul(r.out), big.size());
}

TEST(RunProcess, AppliesEnvironmentChanges) {
  setenv("STSLAB_TEST_REMOVE_ME", "1", 1);
  const auto r =
      run_process({.argv = {"sh", "-c", "echo \"$STSLAB_A|${STSLAB_TEST_REMOVE_ME-unset}\""},
                   .env = {{"STSLAB_A", "set"}, {"STSLAB_TEST_REMOVE_ME", std::nullopt}}});
  EXPECT_EQ(r.out, "set|unset\n");
}

TEST(RunProcess, KillsTheWholeGroupAtTheDeadline) {
  const auto start = std::chrono::steady_clock::now();
  // The grandchild holds stdout open; killing only the shell would leave us waiting.
  const auto r = run_process({.argv = {"sh", "-c", "sleep 30 & sleep 30"}}, "", 200ms);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.exit_code, -1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST(RunProcess, MissingProgramIsAClearError) {
  try {
    run_process({.argv = {"stslab-no-such-program"}});
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("stslab-no-such-program"), std::string::npos);
  }
}

TEST(Child, LogsOutputAndReportsExit) {
  const stslab::testing::ScratchDir scratch("stslab-child");
  const std::string log = scratch.path() + "/child.log";
  auto child = Child::spawn({.argv = {"sh", "-c", "echo hello; exit 7"}}, log);
  ASSERT_TRUE(child.wait_until(std::chrono::steady_clock::now() + 10s));
  EXPECT_EQ(child.exit_code(), 7);
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "hello\n");
}

TEST(Child, StopEndsAProcessThatIgnoresSigterm) {
  const stslab::testing::ScratchDir scratch("stslab-child");
  const std::string log = scratch.path() + "/child-stop.log";
  auto child = Child::spawn({.argv = {"sh", "-c", "trap '' TERM; sleep 30"}}, log);
  EXPECT_TRUE(child.running());
  EXPECT_FALSE(child.wait_until(std::chrono::steady_clock::now() + 20ms));
  child.stop(50ms);
  EXPECT_FALSE(child.running());
}

TEST(Child, StopReturnsOnlyOnceTheWholeGroupIsGone) {
  // Like nsenter in front of a lab daemon: the spawned process dies at once on SIGTERM, the
  // program behind it (same process group) takes a moment to shut down.
  const stslab::testing::ScratchDir scratch("stslab-child");
  const std::string dir = scratch.path();
  const std::string pidfile = dir + "/stslab-child-inner.pid";
  auto child = Child::spawn({.argv = {"sh", "-c",
                                      "sh -c 'trap \"sleep 0.2; exit 0\" TERM; echo $$ > " +
                                          pidfile + "; while :; do sleep 0.01; done' & wait"}},
                            dir + "/stslab-child-group.log");
  pid_t inner = 0;
  for (int i = 0; i < 500 && inner == 0; ++i) {
    std::ifstream in(pidfile);
    in >> inner;
    if (inner == 0) std::this_thread::sleep_for(10ms);
  }
  ASSERT_GT(inner, 0) << "the inner process never wrote its pid";
  child.stop(2s);
  EXPECT_FALSE(running_not_zombie(inner)) << "stop() returned while the inner process still ran";
}

TEST(Child, BehindAWrapperTheProgramIsStoppedSoThatTheWrapperReapsIt) {
  // Like nsenter: the wrapper forks the program and waits for it. Were the wrapper killed with
  // it, the program's zombie would go to the machine's init, which may take its time to reap.
  const stslab::testing::ScratchDir scratch("stslab-child");
  const std::string dir = scratch.path();
  const std::string pidfile = dir + "/stslab-child-wrapped.pid";
  set_spawn_prefix({"sh", "-c", "\"$@\" & wait $!", "wrapper"});
  auto child = Child::spawn({.argv = {"sh", "-c", "echo $$ > " + pidfile + "; exec sleep 30"}},
                            dir + "/stslab-child-wrapped.log");
  set_spawn_prefix({});
  pid_t program = 0;
  for (int i = 0; i < 500 && program == 0; ++i) {
    std::ifstream in(pidfile);
    in >> program;
    if (program == 0) std::this_thread::sleep_for(10ms);
  }
  ASSERT_GT(program, 0) << "the program never wrote its pid";
  child.stop(0ms);
  EXPECT_FALSE(std::filesystem::exists("/proc/" + std::to_string(program)))
      << "the program is not reaped yet (a zombie handed to init?)";
}

}  // namespace
}  // namespace stslab::core
