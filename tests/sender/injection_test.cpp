// RFC 3207 §4.2 STARTTLS command injection, end to end: an MX that sends an extra reply in the
// same packet as its "220" to STARTTLS. A correct client drops it; with the
// keep-injected-plaintext defect the replies slip out of step and delivery fails.
#include <gtest/gtest.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <istream>
#include <thread>

#include "sender_lab.hpp"
#include "stslab/core/tls.hpp"

namespace stslab::sender::testing {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// Serves `sessions` SMTP sessions on 127.0.0.4:port, one after the other, then stops.
class InjectingMx {
 public:
  InjectingMx(core::LabPki& pki, std::uint16_t port, int sessions)
      : tls_(core::make_server_context(pki.issue("inj.a.test", core::CertProfile::valid))),
        acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.4"), port)),
        sessions_left_(sessions),
        thread_([this, sessions] {
          for (int i = 0; i < sessions; ++i)
            serve_one();
        }) {}
  ~InjectingMx() {
    // If a test failed before all sessions came, poke the acceptor until the thread is done.
    while (!done_) {
      boost::system::error_code ec;
      tcp::socket poke(io_);
      poke.connect(acceptor_.local_endpoint(), ec);
    }
    thread_.join();
  }
  int delivered() const { return delivered_; }

 private:
  // Reads one command line; "" on error.
  template <class Stream>
  static std::string line(Stream& s, asio::streambuf& buf) {
    boost::system::error_code ec;
    asio::read_until(s, buf, "\r\n", ec);
    if (ec) return {};
    std::istream in(&buf);
    std::string l;
    std::getline(in, l);
    return l;
  }
  template <class Stream>
  static void say(Stream& s, const std::string& text) {
    boost::system::error_code ec;
    asio::write(s, asio::buffer(text), ec);
  }

  void serve_one() {
    boost::system::error_code ec;
    tcp::socket sock(io_);
    acceptor_.accept(sock, ec);
    if (!ec) dialogue(sock);
    sessions_left_--;
    if (sessions_left_ <= 0) done_ = true;
  }

  void dialogue(tcp::socket& sock) {
    asio::streambuf buf;
    say(sock, "220 inj.a.test ESMTP\r\n");
    if (line(sock, buf).rfind("EHLO", 0) != 0) return;
    say(sock, "250-inj.a.test\r\n250 STARTTLS\r\n");
    if (line(sock, buf).rfind("STARTTLS", 0) != 0) return;
    // The attack: a reply that arrives before TLS but belongs to no command yet.
    say(sock, "220 go ahead\r\n250 INJECTED\r\n");
    asio::ssl::stream<tcp::socket&> tls(sock, *tls_);
    boost::system::error_code ec;
    tls.handshake(asio::ssl::stream_base::server, ec);
    if (ec) return;
    asio::streambuf tbuf;
    while (true) {
      const std::string cmd = line(tls, tbuf);
      if (cmd.empty()) return;
      if (cmd.rfind("EHLO", 0) == 0) say(tls, "250 inj.a.test\r\n");
      if (cmd.rfind("MAIL", 0) == 0 || cmd.rfind("RCPT", 0) == 0) say(tls, "250 ok\r\n");
      if (cmd.rfind("QUIT", 0) == 0) return say(tls, "221 bye\r\n");
      if (cmd.rfind("DATA", 0) == 0) {
        say(tls, "354 go\r\n");
        while (true) {
          const std::string data = line(tls, tbuf);
          if (data.empty()) return;
          if (data == ".\r" || data == ".") break;
        }
        say(tls, "250 queued\r\n");
        delivered_++;
      }
    }
  }

  std::atomic<int> delivered_{0};
  std::shared_ptr<asio::ssl::context> tls_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::atomic<int> sessions_left_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

TEST_F(SenderLab, InjectedPlaintextAfterStarttlsIsDropped) {
  InjectingMx mx(pki, smtp_port, 2);
  zone.add("inj.a.test. A 127.0.0.4");
  zone.replace("a.test", "MX", {"a.test. MX 10 inj.a.test."});
  publish(policy_text("enforce", {"inj.a.test"}));
  auto r = send();
  EXPECT_EQ(r.exit_code, kExitDelivered) << r.line.dump();
  EXPECT_EQ(r.line["tls"], "verified");
  EXPECT_EQ(mx.delivered(), 1);
  // With the defect the injected "250 INJECTED" answers the EHLO sent inside TLS; every later
  // reply is one step behind and the transaction falls apart.
  auto d = send({Defect::keep_injected_plaintext});
  EXPECT_NE(d.exit_code, kExitDelivered) << d.line.dump();
  EXPECT_EQ(mx.delivered(), 1);
}

}  // namespace
}  // namespace stslab::sender::testing
