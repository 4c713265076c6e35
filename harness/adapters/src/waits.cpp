#include "stslab/harness/adapters/waits.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace stslab::harness::adapters {
using Clock = std::chrono::steady_clock;

namespace {

std::optional<sockaddr_in> parse_ipv4_port(const std::string& host_port) {
  const auto colon = host_port.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  const auto port_text = host_port.substr(colon + 1);
  if (port_text.empty() || port_text.size() > 5 ||
      !std::all_of(port_text.begin(), port_text.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const int port = std::stoi(port_text);
  if (port < 1 || port > 65535) return std::nullopt;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, host_port.substr(0, colon).c_str(), &addr.sin_addr) != 1) {
    return std::nullopt;
  }
  return addr;
}

}  // namespace

bool is_ipv4_port(const std::string& host_port) {
  return parse_ipv4_port(host_port).has_value();
}

bool tcp_accepts(const std::string& host_port) {
  const auto parsed = parse_ipv4_port(host_port);
  if (!parsed) return false;
  const sockaddr_in addr = *parsed;
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  // Loopback: the kernel answers a connect at once (accepted or refused), no timeout needed.
  const bool ok = connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

bool wait_for_tcp(const std::string& host_port, Clock::time_point deadline,
                  const std::vector<std::string>& watch_dirs, const std::function<bool()>& alive) {
  if (!is_ipv4_port(host_port)) {
    throw std::invalid_argument("ready.tcp: '" + host_port +
                                "' is not an IPv4 ADDRESS:PORT (e.g. 127.0.0.1:2525)");
  }
  const int ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  for (const auto& dir : watch_dirs) {
    if (ifd >= 0) inotify_add_watch(ifd, dir.c_str(), IN_MODIFY | IN_CREATE | IN_CLOSE_WRITE);
  }
  auto backoff = std::chrono::milliseconds(2);
  bool ok = false;
  for (;;) {
    if (tcp_accepts(host_port)) {
      ok = true;
      break;
    }
    if ((alive && !alive()) || Clock::now() >= deadline) break;
    pollfd pfd{ifd, POLLIN, 0};
    if (poll(&pfd, ifd >= 0 ? 1 : 0, core::poll_timeout(deadline, backoff)) > 0) {
      char buf[4096];
      while (read(ifd, buf, sizeof buf) > 0) {
      }
    } else {
      backoff = std::min(backoff * 2, std::chrono::milliseconds(100));
    }
  }
  if (ifd >= 0) close(ifd);
  return ok;
}

std::string pid_namespace_of(pid_t pid) {
  char buf[64];
  const auto link = "/proc/" + std::to_string(pid) + "/ns/pid";
  const ssize_t n = readlink(link.c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

std::optional<pid_t> pid_in_namespace(const std::string& pid_ns, pid_t pid_there) {
  if (pid_ns.empty()) return std::nullopt;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const auto name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    const auto pid = static_cast<pid_t>(std::stol(name));
    if (pid_namespace_of(pid) != pid_ns) continue;
    // "NSpid:\t<pid here>\t...\t<pid in its own namespace>"
    std::ifstream status(entry.path() / "status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("NSpid:", 0) != 0) continue;
      std::istringstream fields(line.substr(6));
      pid_t last = 0, value = 0;
      while (fields >> value)
        last = value;
      if (last == pid_there) return pid;
      break;
    }
  }
  return std::nullopt;
}

std::string tail_of_file(const std::string& path, std::size_t lines) {
  std::ifstream in(path);
  std::deque<std::string> last;
  std::string line;
  while (std::getline(in, line)) {
    last.push_back(line);
    if (last.size() > lines) last.pop_front();
  }
  std::string out;
  for (const auto& l : last)
    out += l + "\n";
  return out;
}

}  // namespace stslab::harness::adapters
