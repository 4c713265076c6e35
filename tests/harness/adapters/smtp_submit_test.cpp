#include "stslab/harness/adapters/smtp_submit.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <thread>

#include "loopback_listener.hpp"

namespace stslab::harness::adapters {
namespace {

using Clock = std::chrono::steady_clock;

// A one-connection SMTP server on 127.0.0.1 that answers from a script: `reply(line)` gives the
// answer to each command line ("" = say nothing); the DATA section is collected whole.
class ScriptedServer {
 public:
  using Reply = std::function<std::string(const std::string& line)>;
  ScriptedServer(std::string greeting, Reply reply)
      : greeting_(std::move(greeting)), reply_(std::move(reply)) {
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    shutdown(listener_.fd, SHUT_RDWR);  // ends an accept() nobody answered
    thread_.join();
  }
  std::string address() const { return listener_.where(); }
  std::string commands;  // every command line, each ended by "\n"
  std::string data;      // the DATA section as received, terminator included

 private:
  void serve() {
    const int fd = accept(listener_.fd, nullptr, nullptr);
    if (fd < 0) return;
    std::string buffer;
    bool in_data = false;
    send(fd, greeting_.data(), greeting_.size(), MSG_NOSIGNAL);
    for (;;) {
      const auto eol = buffer.find("\r\n");
      if (eol == std::string::npos) {
        char chunk[1024];
        const auto n = recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) break;
        buffer.append(chunk, static_cast<std::size_t>(n));
        continue;
      }
      const auto line = buffer.substr(0, eol);
      buffer.erase(0, eol + 2);
      std::string answer;
      if (in_data) {
        data += line + "\r\n";
        if (line != ".") continue;
        in_data = false;
        answer = reply_(".");
      } else {
        commands += line + "\n";
        answer = reply_(line);
        in_data = line == "DATA" && answer.rfind("354", 0) == 0;
      }
      send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
    }
    close(fd);
  }

  std::string greeting_;
  Reply reply_;
  LoopbackListener listener_;
  std::thread thread_;
};

std::string postfix_like(const std::string& line) {
  if (line.rfind("EHLO", 0) == 0) return "250-lab.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n";
  if (line == "DATA") return "354 End data with <CR><LF>.<CR><LF>\r\n";
  if (line == ".") return "250 2.0.0 Ok: queued as 4XyZ\r\n";
  if (line == "QUIT") return "221 2.0.0 Bye\r\n";
  return "250 2.1.0 Ok\r\n";
}

SmtpSubmission submission(const std::string& where) {
  return {.host_port = where,
          .helo = "sender.test",
          .from = "s@sender.test",
          .to = "m1@a.test",
          .message = "Subject: t\n\n.leading dot\nlast line without an end"};
}

TEST(SmtpSubmit, DeliversOneMessageWithCrlfAndDotStuffing) {
  ScriptedServer server("220 lab.test ESMTP\r\n", postfix_like);
  smtp_submit(submission(server.address()), Clock::now() + std::chrono::seconds(10));
  EXPECT_EQ(server.commands,
            "EHLO sender.test\nMAIL FROM:<s@sender.test>\nRCPT TO:<m1@a.test>\nDATA\nQUIT\n");
  EXPECT_EQ(server.data, "Subject: t\r\n\r\n..leading dot\r\nlast line without an end\r\n.\r\n");
}

TEST(SmtpSubmit, ARefusalNamesTheStepAndQuotesTheReply) {
  ScriptedServer server("220 lab.test ESMTP\r\n", [](const std::string& line) {
    return line.rfind("RCPT", 0) == 0 ? std::string("550 5.1.1 no such user\r\n")
                                      : postfix_like(line);
  });
  try {
    smtp_submit(submission(server.address()), Clock::now() + std::chrono::seconds(10));
    FAIL() << "a refused recipient did not throw";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("RCPT TO m1@a.test"), std::string::npos) << what;
    EXPECT_NE(what.find("550 5.1.1 no such user"), std::string::npos) << what;
  }
}

TEST(SmtpSubmit, ASilentServerEndsAtTheDeadline) {
  ScriptedServer server("", [](const std::string&) { return std::string(); });
  const auto started = Clock::now();
  try {
    smtp_submit(submission(server.address()), Clock::now() + std::chrono::milliseconds(100));
    FAIL() << "a silent server did not throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("greeting: no answer before the deadline"),
              std::string::npos)
        << e.what();
  }
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(5));
}

TEST(SmtpSubmit, AnAddressThatWouldInjectACommandIsRefusedBeforeConnecting) {
  auto s = submission("127.0.0.1:1");
  s.to = "m1@a.test>\r\nRSET";
  EXPECT_THROW(smtp_submit(s, Clock::now() + std::chrono::seconds(1)), std::runtime_error);
}

}  // namespace
}  // namespace stslab::harness::adapters
