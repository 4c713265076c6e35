// The lab's namespaces, checked from a forked child (entering needs a single-threaded process,
// and a test must not move the test runner itself into the lab).
#include "stslab/harness/lab_namespace.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <optional>
#include <sstream>

#include "stslab/core/process.hpp"
#include "stslab/testing/scratch_dir.hpp"

namespace stslab::harness {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

// Runs `body` in a forked child that has entered the lab; returns the child's exit status.
// The body returns 0 on success or a small number naming the check that failed.
int in_lab(const LabFiles& files, const std::function<int(LabNamespace&)>& body) {
  const pid_t pid = fork();
  if (pid == 0) {
    int rc = 0;
    try {
      auto lab = LabNamespace::enter(files);
      rc = body(lab);
    } catch (const std::exception& e) {
      fprintf(stderr, "lab: %s\n", e.what());
      rc = 100;
    }
    _exit(rc);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 200;
}

class LabNamespaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!can_create_lab()) GTEST_SKIP() << "needs root to create namespaces";
    scratch.emplace("stslab-lab");
    dir = scratch->path();
    chmod(dir.c_str(), 0755);
    files = {dir + "/resolv.conf", dir + "/hosts", dir + "/ca.pem"};
    write_file(files.resolv_conf, "nameserver 127.0.0.53\n");
    write_file(files.hosts, "127.0.0.1 localhost\n");
    write_file(files.ca_bundle, "lab bundle\n");
  }
  std::optional<stslab::testing::ScratchDir> scratch;  // removed after the test
  std::string dir;
  LabFiles files;
};

TEST_F(LabNamespaceTest, LabFilesReplaceTheSystemOnesInsideOnly) {
  const std::string host_resolv = read_file("/etc/resolv.conf");
  const int rc = in_lab(files, [&](LabNamespace&) {
    if (read_file("/etc/resolv.conf") != "nameserver 127.0.0.53\n") return 1;
    if (read_file("/etc/hosts") != "127.0.0.1 localhost\n") return 2;
    if (read_file(kSystemCaBundle) != "lab bundle\n") return 3;
    return 0;
  });
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(read_file("/etc/resolv.conf"), host_resolv);
}

TEST_F(LabNamespaceTest, OnlyLoopbackExistsAndIsUp) {
  const int rc = in_lab(files, [&](LabNamespace&) {
    struct if_nameindex* names = if_nameindex();
    int count = 0;
    bool only_lo = true;
    for (auto* n = names; n->if_index != 0; ++n, ++count)
      only_lo &= std::string(n->if_name) == "lo";
    if_freenameindex(names);
    if (count != 1 || !only_lo) return 1;
    // Any 127/8 address is usable without configuration.
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.9.53", &addr.sin_addr);
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return 2;
    if (listen(fd, 1) != 0) return 3;
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    const int client = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return 4;
    return 0;
  });
  EXPECT_EQ(rc, 0);
}

TEST_F(LabNamespaceTest, DaemonizedChildrenDieWithTheLab) {
  const std::string marker = "stslab-lab-test-marker-" + std::to_string(getpid());
  const int rc = in_lab(files, [&](LabNamespace& lab) {
    // Double fork: the sleeper is reparented to the lab's init, as a daemonizing MTA would be.
    auto r = core::run_process(
        {.argv = {"bash", "-c",
                  "(exec -a " + marker + " sleep 300 </dev/null >/dev/null 2>&1 &)"}});
    if (r.exit_code != 0) return 1;
    auto seen = core::run_process({.argv = {"pgrep", "-f", marker}});
    if (seen.exit_code != 0) return 2;  // it must be running before we tear down
    lab.kill_all();
    return 0;
  });
  EXPECT_EQ(rc, 0);
  const auto left = core::run_process({.argv = {"pgrep", "-f", marker}});
  EXPECT_EQ(left.exit_code, 1) << "left behind: " << left.out;
}

TEST_F(LabNamespaceTest, ChildrenOfAKilledHarnessDieToo) {
  const std::string marker = "stslab-lab-test-orphan-" + std::to_string(getpid());
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t harness = fork();
  if (harness == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test runner
    close(ready[0]);
    try {
      auto lab = LabNamespace::enter(files);
      core::run_process(
          {.argv = {"bash", "-c",
                    "(exec -a " + marker + " sleep 300 </dev/null >/dev/null 2>&1 &)"}});
      (void)!write(ready[1], "x", 1);
      pause();  // killed with SIGKILL below: no destructor runs
    } catch (const std::exception& e) {
      fprintf(stderr, "lab: %s\n", e.what());
    }
    _exit(1);
  }
  close(ready[1]);
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1) << "the harness child failed before the lab was up";
  const auto found = core::run_process({.argv = {"pgrep", "-f", marker}});
  ASSERT_EQ(found.exit_code, 0);
  const int orphan = static_cast<int>(syscall(SYS_pidfd_open, std::stoi(found.out), 0));
  ASSERT_GE(orphan, 0);
  kill(harness, SIGKILL);
  waitpid(harness, nullptr, 0);
  // The kernel tears the PID namespace down asynchronously: the orphan's pidfd becomes readable
  // when it has gone.
  pollfd pfd{orphan, POLLIN, 0};
  EXPECT_EQ(poll(&pfd, 1, 10000), 1) << "the orphan outlived the killed harness";
  close(orphan);
  EXPECT_EQ(core::run_process({.argv = {"pgrep", "-f", marker}}).exit_code, 1);
  close(ready[0]);
}

TEST(LabNamespaceErrors, NonRootGetsAClearError) {
  if (can_create_lab()) GTEST_SKIP() << "running as root";
  try {
    LabNamespace::enter({});
    FAIL() << "no exception";
  } catch (const LabStartError& e) {
    EXPECT_NE(std::string(e.what()).find("root"), std::string::npos);
  }
}

}  // namespace
}  // namespace stslab::harness
