#include "stslab/harness/adapters/waits.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>

#include "loopback_listener.hpp"

namespace stslab::harness::adapters {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

using Listener = LoopbackListener;

TEST(Waits, TcpAcceptsTellsAListeningPortFromAClosedOne) {
  Listener open;
  Listener bound_only(false);  // bound but not listening: connections are refused
  EXPECT_TRUE(tcp_accepts(open.where()));
  EXPECT_FALSE(tcp_accepts(bound_only.where()));
  EXPECT_FALSE(tcp_accepts("not-an-address:25"));
}

TEST(Waits, WaitForTcpWakesWhenAWatchedDirectoryChanges) {
  const auto dir = fs::temp_directory_path() / ("stslab-waits-" + std::to_string(getpid()));
  fs::create_directories(dir);
  Listener later(false);
  auto waiting = std::async(std::launch::async, [&] {
    return wait_for_tcp(later.where(), Clock::now() + std::chrono::seconds(10), {dir.string()},
                        [] { return true; });
  });
  ASSERT_EQ(listen(later.fd, 4), 0);
  std::ofstream(dir / "daemon.log") << "ready\n";  // what a starting daemon would do
  EXPECT_TRUE(waiting.get());
  fs::remove_all(dir);
}

TEST(Waits, WaitForTcpGivesUpAtTheDeadlineOrWhenTheProgramDied) {
  Listener closed(false);
  const auto start = Clock::now();
  EXPECT_FALSE(wait_for_tcp(closed.where(), start + std::chrono::milliseconds(50), {}, {}));
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(50));
  EXPECT_FALSE(wait_for_tcp(closed.where(), Clock::now() + std::chrono::seconds(30), {},
                            [] { return false; }));
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
}

TEST(Waits, WaitForExitSeesAChildEnd) {
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  const pid_t pid = fork();
  if (pid == 0) {
    close(go[1]);
    char c;
    [[maybe_unused]] auto n = read(go[0], &c, 1);  // exits once the parent says so
    _exit(0);
  }
  close(go[0]);
  EXPECT_FALSE(wait_for_exit(pid, Clock::now() + std::chrono::milliseconds(20)));
  close(go[1]);
  EXPECT_TRUE(wait_for_exit(pid, Clock::now() + std::chrono::seconds(10)));
  waitpid(pid, nullptr, 0);
  EXPECT_TRUE(wait_for_exit(pid, Clock::now()));  // gone entirely
}

TEST(Waits, WaitForGroupExitWaitsForEveryMemberOfTheGroup) {
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  const pid_t leader = fork();
  if (leader == 0) {
    setpgid(0, 0);
    close(go[1]);
    if (fork() == 0) {  // a member that outlives nobody on purpose: it too waits for EOF
      char c;
      [[maybe_unused]] auto n = read(go[0], &c, 1);
      _exit(0);
    }
    char c;
    [[maybe_unused]] auto n = read(go[0], &c, 1);
    _exit(0);
  }
  close(go[0]);
  setpgid(leader, leader);  // either side may win the race; both set the same group
  EXPECT_FALSE(wait_for_group_exit(leader, Clock::now() + std::chrono::milliseconds(20)));
  close(go[1]);
  EXPECT_TRUE(wait_for_group_exit(leader, Clock::now() + std::chrono::seconds(10)));
  waitpid(leader, nullptr, 0);
}

TEST(Waits, APidInOurOwnNamespaceIsItself) {
  const auto ours = pid_namespace_of(getpid());
  EXPECT_EQ(ours.rfind("pid:[", 0), 0u) << ours;
  EXPECT_EQ(pid_in_namespace(ours, getpid()), std::optional<pid_t>(getpid()));
  EXPECT_EQ(pid_in_namespace(ours, 999999999), std::nullopt);
  EXPECT_EQ(pid_in_namespace("pid:[1]", getpid()), std::nullopt);
  EXPECT_EQ(pid_in_namespace("", getpid()), std::nullopt);
}

TEST(Waits, TailOfFileKeepsTheLastLines) {
  const auto path = fs::temp_directory_path() / ("stslab-tail-" + std::to_string(getpid()));
  {
    std::ofstream out(path);
    for (int i = 1; i <= 30; ++i)
      out << "line " << i << "\n";
  }
  const auto tail = tail_of_file(path.string(), 3);
  fs::remove(path);
  EXPECT_EQ(tail, "line 28\nline 29\nline 30\n");
  EXPECT_EQ(tail_of_file("/nonexistent/file"), "");
}

}  // namespace
}  // namespace stslab::harness::adapters
