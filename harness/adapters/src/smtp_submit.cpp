#include "stslab/harness/adapters/smtp_submit.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "stslab/core/process.hpp"

namespace stslab::harness::adapters {
namespace {

using Clock = std::chrono::steady_clock;

// One SMTP client connection with a deadline on every wait.
class Session {
 public:
  Session(const std::string& host_port, Clock::time_point deadline)
      : where_(host_port), deadline_(deadline) {
    const auto colon = host_port.rfind(':');
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    if (colon == std::string::npos ||
        inet_pton(AF_INET, host_port.substr(0, colon).c_str(), &addr.sin_addr) != 1) {
      throw std::runtime_error("SMTP submission: '" + host_port + "' is not IPv4:port");
    }
    addr.sin_port = htons(static_cast<uint16_t>(std::stoi(host_port.substr(colon + 1))));
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd_ < 0) fail("socket", strerror(errno));
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      if (errno != EINPROGRESS) fail("connect", strerror(errno));
      wait_for(POLLOUT, "connect");
      int error = 0;
      socklen_t len = sizeof error;
      getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &len);
      if (error != 0) fail("connect", strerror(error));
    }
  }
  ~Session() {
    if (fd_ >= 0) close(fd_);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Sends `text` (nothing if empty: the greeting) and expects a reply whose code starts with
  // `expected`.
  void exchange(const std::string& text, char expected, const std::string& step) {
    if (!text.empty()) send_all(text, step);
    const auto reply = read_reply(step);
    if (reply.empty() || reply[0] != expected) {
      fail(step, "the server replied: " + reply);
    }
  }

 private:
  [[noreturn]] void fail(const std::string& step, const std::string& what) const {
    throw std::runtime_error("SMTP submission to " + where_ + ", " + step + ": " + what);
  }

  void wait_for(short events, const std::string& step) {
    pollfd p{fd_, events, 0};
    for (;;) {
      const int rc = poll(&p, 1, core::poll_timeout(deadline_));
      if (rc > 0) return;
      if (rc == 0) fail(step, "no answer before the deadline");
      if (errno != EINTR) fail(step, strerror(errno));
    }
  }

  void send_all(const std::string& text, const std::string& step) {
    std::size_t sent = 0;
    while (sent < text.size()) {
      const auto n = ::send(fd_, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
      } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        wait_for(POLLOUT, step);
      } else {
        fail(step, n == 0 ? "the connection closed" : strerror(errno));
      }
    }
  }

  std::string read_line(const std::string& step) {
    for (;;) {
      const auto eol = buffer_.find("\r\n");
      if (eol != std::string::npos) {
        auto line = buffer_.substr(0, eol);
        buffer_.erase(0, eol + 2);
        return line;
      }
      if (buffer_.size() > 64 * 1024) fail(step, "a reply line longer than 64 KiB");
      wait_for(POLLIN, step);
      char chunk[4096];
      const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n > 0) {
        buffer_.append(chunk, static_cast<std::size_t>(n));
      } else if (n == 0) {
        fail(step, "the server closed the connection");
      } else if (errno != EAGAIN && errno != EINTR) {
        fail(step, strerror(errno));
      }
    }
  }

  // RFC 5321 §4.2: "250-..." lines continue a reply, "250 ..." ends it. All of it, joined.
  std::string read_reply(const std::string& step) {
    std::string reply;
    for (;;) {
      const auto line = read_line(step);
      reply += (reply.empty() ? "" : " / ") + line;
      if (line.size() < 4 || line[3] != '-') return reply;
    }
  }

  std::string where_;
  Clock::time_point deadline_;
  int fd_ = -1;
  std::string buffer_;
};

// The message as DATA wants it: CRLF line ends, a leading "." doubled (RFC 5321 §4.5.2), and
// the terminating "." line.
std::string data_section(const std::string& message) {
  std::string out;
  out.reserve(message.size() + message.size() / 32 + 8);
  bool line_start = true;
  for (std::size_t i = 0; i < message.size(); ++i) {
    const char c = message[i];
    if (line_start && c == '.') out += '.';
    if (c == '\n' && (i == 0 || message[i - 1] != '\r')) out += '\r';
    out += c;
    line_start = c == '\n';
  }
  if (!line_start) out += "\r\n";
  return out + ".\r\n";
}

}  // namespace

void smtp_submit(const SmtpSubmission& s, Clock::time_point deadline) {
  for (const auto* field : {&s.helo, &s.from, &s.to}) {
    if (field->find_first_of("\r\n<>") != std::string::npos) {
      throw std::runtime_error("SMTP submission: '" + *field + "' cannot go into an SMTP command");
    }
  }
  Session session(s.host_port, deadline);
  session.exchange("", '2', "greeting");
  session.exchange("EHLO " + s.helo + "\r\n", '2', "EHLO");
  session.exchange("MAIL FROM:<" + s.from + ">\r\n", '2', "MAIL FROM");
  session.exchange("RCPT TO:<" + s.to + ">\r\n", '2', "RCPT TO " + s.to);
  session.exchange("DATA\r\n", '3', "DATA");
  session.exchange(data_section(s.message), '2', "end of DATA");
  // The message is queued: a refused or lost QUIT changes nothing.
  try {
    session.exchange("QUIT\r\n", '2', "QUIT");
  } catch (const std::runtime_error&) {
  }
}

}  // namespace stslab::harness::adapters
