// Safety and hostile peers: the proxy refuses non-loopback upstreams, answers 421 when the MX is
// down, and survives garbage, overlong lines, early closes and idle peers on either side.
#include <gmock/gmock.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <thread>

#include "proxy_fixture.hpp"

namespace stslab::mitm::testing {
namespace {

using boost::asio::ip::make_address;
using ::testing::HasSubstr;
using ::testing::StartsWith;

bool mentions_starttls(const std::string& reply) {
  return reply.find("STARTTLS") != std::string::npos;
}

// An upstream that sends `payload` to the first connection, then closes it.
class RawUpstream {
 public:
  RawUpstream(boost::asio::io_context& io, std::string payload)
      : acceptor_(io, {make_address("127.0.0.63"), 0}) {
    boost::asio::co_spawn(io, serve(std::move(payload)), boost::asio::detached);
  }
  tcp::endpoint endpoint() const { return acceptor_.local_endpoint(); }

 private:
  boost::asio::awaitable<void> serve(std::string payload) {
    try {
      auto socket = co_await acceptor_.async_accept(boost::asio::use_awaitable);
      co_await boost::asio::async_write(socket, boost::asio::buffer(payload),
                                        boost::asio::use_awaitable);
    } catch (const std::exception&) {
    }
  }
  tcp::acceptor acceptor_;
};

TEST_F(ProxyTest, RefusesNonLoopbackUpstreamsWithoutConnecting) {
  for (const char* address : {"10.0.0.1", "8.8.8.8", "0.0.0.0", "::ffff:10.0.0.1"}) {
    try {
      start_proxy("pass", [&](Options& o) { o.upstream = {make_address(address), 25}; });
      FAIL() << "accepted upstream " << address;
    } catch (const std::invalid_argument& e) {
      EXPECT_THAT(e.what(), HasSubstr("loopback"));
      EXPECT_THAT(e.what(), HasSubstr(address));
    }
  }
  EXPECT_THROW(start_proxy("pass",
                           [](Options& o) {
                             o.listen = {{make_address("0.0.0.0"), 0}};
                           }),
               std::invalid_argument);
  auto& proxy = start_proxy("pass");
  EXPECT_THROW(proxy.set_upstream({make_address("8.8.8.8"), 25}), std::invalid_argument);
  EXPECT_EQ(proxy.upstream(), mx_endpoint_);
  EXPECT_TRUE(mitm_events("mitm.session.open").empty());
}

TEST_F(ProxyTest, RejectsAnUnknownAttackAtConstruction) {
  EXPECT_THROW(start_proxy("strip-everything"), std::invalid_argument);
  EXPECT_THROW(start_proxy("pass", [](Options& o) { o.name.clear(); }), std::invalid_argument);
}

TEST_F(ProxyTest, UpstreamDownGets421AndIsJournaled) {
  tcp::endpoint dead;
  {
    boost::asio::io_context probe;
    tcp::acceptor acceptor(probe, {make_address("127.0.0.62"), 0});
    dead = acceptor.local_endpoint();
  }  // closed: nothing listens there now
  start_proxy("pass", [&](Options& o) { o.upstream = dead; });
  LineClient client(proxy_endpoint());
  EXPECT_THAT(client.read_reply(), StartsWith("421 4.4.1"));
  EXPECT_TRUE(client.wait_for_close());
  auto error = wait_mitm("mitm.upstream_error");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->data["refused_by_safety_rule"], false);
  EXPECT_EQ(wait_close().data["how"], "upstream-unreachable");
}

TEST_F(ProxyTest, SetUpstreamAppliesToTheNextConnection) {
  auto& proxy = start_proxy("pass", [](Options& o) {
    o.upstream = {make_address("127.0.0.62"), 1};  // nothing there
  });
  proxy.set_upstream(mx_endpoint_);
  LineClient client(proxy_endpoint());
  EXPECT_THAT(client.read_reply(), StartsWith("220"));
}

TEST_F(ProxyTest, OverlongClientLineGets500AndTheProxyKeepsServing) {
  start_proxy("pass", [](Options& o) { o.max_line = 1024; });
  {
    LineClient client(proxy_endpoint());
    client.read_reply();
    client.send(std::string(5000, 'A'));
    EXPECT_THAT(client.read_reply(), StartsWith("500 5.5.2"));
    EXPECT_TRUE(client.wait_for_close());
  }
  auto bad = wait_mitm("mitm.bad_input");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->data["side"], "client");
  EXPECT_EQ(wait_close().data["how"], "bad-input-from-client");

  LineClient next(proxy_endpoint());
  EXPECT_THAT(next.read_reply(), StartsWith("220"));
}

TEST_F(ProxyTest, GarbageCommandsAreRelayedAndAnswered) {
  start_proxy("strip-starttls");
  LineClient client(proxy_endpoint());
  client.read_reply();
  client.send(std::string("\x00\x01\xff\xfe garbage", 13) + "\r\n");
  EXPECT_THAT(client.read_reply(), StartsWith("5"));
  client.send("\r\n");  // an empty line
  EXPECT_THAT(client.read_reply(), StartsWith("5"));
  client.send("EHLO only-a-bare-lf\n");
  EXPECT_THAT(client.read_reply(), StartsWith("250"));
  EXPECT_THAT(client.command("QUIT"), StartsWith("221"));
  EXPECT_EQ(wait_close().data["how"], "quit");
}

TEST_F(ProxyTest, ClientClosingEarlyIsJournaled) {
  start_proxy("pass");
  { LineClient client(proxy_endpoint()); }  // gone before the greeting
  auto close = wait_close();
  EXPECT_THAT(close.data["how"].get<std::string>(), StartsWith("client-"));
  {
    LineClient client(proxy_endpoint());  // mid-DATA
    client.read_reply();
    client.command("EHLO x");
    client.command("MAIL FROM:<s@b.test>");
    client.command("RCPT TO:<u@a.test>");
    client.command("DATA");
    client.send("Subject: half a message\r\n");
  }
  auto second =
      wait_mitm("mitm.session.close", [](const core::Event& e) { return e.data["session"] == 2; });
  ASSERT_TRUE(second);
  EXPECT_EQ(second->data["how"], "client-closed");
  EXPECT_TRUE(mx_->messages().empty());
}

TEST_F(ProxyTest, OverlongUpstreamGreetingGets421) {
  RawUpstream raw(io_.io(), std::string(10000, 'x'));
  start_proxy("pass", [&](Options& o) { o.upstream = raw.endpoint(); });
  LineClient client(proxy_endpoint());
  EXPECT_THAT(client.read_reply(), StartsWith("421 4.4.2"));
  auto bad = wait_mitm("mitm.bad_input");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->data["side"], "upstream");
  EXPECT_EQ(wait_close().data["how"], "bad-input-from-upstream");
}

TEST_F(ProxyTest, EndlessUpstreamReplyGets421) {
  std::string endless;
  for (int i = 0; i < 50; ++i)
    endless += "220-still greeting\r\n";
  RawUpstream raw(io_.io(), endless);
  start_proxy("pass", [&](Options& o) {
    o.upstream = raw.endpoint();
    o.max_reply_lines = 20;
  });
  LineClient client(proxy_endpoint());
  EXPECT_THAT(client.read_reply(), StartsWith("421 4.4.2"));
  EXPECT_EQ(wait_close().data["how"], "bad-input-from-upstream");
}

TEST_F(ProxyTest, GarbageUpstreamGreetingIsRelayedThenTheCloseIsSeen) {
  RawUpstream raw(io_.io(), "HELLO?? \x01 not smtp\r\n");
  start_proxy("strip-starttls", [&](Options& o) { o.upstream = raw.endpoint(); });
  LineClient client(proxy_endpoint());
  EXPECT_EQ(client.read_line(), "HELLO?? \x01 not smtp");
  EXPECT_TRUE(client.wait_for_close());
  EXPECT_EQ(wait_close().data["how"], "upstream-closed");
}

TEST_F(ProxyTest, UpstreamHangingUpWhileTheClientIsQuietIsPassedOnAtOnce) {
  RawUpstream raw(io_.io(), "220 raw ESMTP\r\n421 4.4.2 raw closing connection\r\n");
  start_proxy("strip-starttls", [&](Options& o) { o.upstream = raw.endpoint(); });
  LineClient client(proxy_endpoint());
  EXPECT_EQ(client.read_reply(), "220 raw ESMTP\r\n");
  // The client says nothing, yet sees the MX's last words and the close.
  EXPECT_EQ(client.read_reply(), "421 4.4.2 raw closing connection\r\n");
  EXPECT_TRUE(client.wait_for_close());
  EXPECT_EQ(wait_close().data["how"], "upstream-closed");
}

TEST_F(ProxyTest, MxIdleTimeoutReachesTheClient) {
  auto limits = mx_->vhost(kMx).limits;
  limits.idle_timeout = std::chrono::milliseconds(300);
  mx_->set_limits(kMx, limits);
  start_proxy("pass");
  LineClient client(proxy_endpoint());
  EXPECT_THAT(client.read_reply(), StartsWith("220"));
  EXPECT_THAT(client.read_reply(), StartsWith("421"));
  EXPECT_TRUE(client.wait_for_close());
  EXPECT_EQ(wait_close().data["how"], "upstream-closed");
}

TEST_F(ProxyTest, UpstreamClosingAtOnceClosesTheClient) {
  RawUpstream raw(io_.io(), "");
  start_proxy("pass", [&](Options& o) { o.upstream = raw.endpoint(); });
  LineClient client(proxy_endpoint());
  EXPECT_TRUE(client.wait_for_close());
  EXPECT_TRUE(client.buffer().empty());
  EXPECT_EQ(wait_close().data["how"], "upstream-closed");
}

TEST_F(ProxyTest, IdleSessionsAreReaped) {
  start_proxy("pass", [](Options& o) { o.idle_timeout = std::chrono::milliseconds(200); });
  LineClient client(proxy_endpoint());
  // Whatever arrives (the greeting, if the MX is quick), the silent client is dropped well
  // within the client's 10 s deadline.
  EXPECT_TRUE(client.wait_for_close());
  EXPECT_EQ(wait_close().data["how"], "idle-timeout");
}

TEST_F(ProxyTest, StopClosesOpenSessionsAndListeners) {
  auto& proxy = start_proxy("pass");
  const auto endpoint = proxy_endpoint();
  LineClient client(endpoint);
  client.read_reply();
  ASSERT_TRUE(wait_mitm("mitm.session.open"));
  EXPECT_EQ(proxy.active_sessions(), 1u);
  proxy.stop();
  EXPECT_TRUE(client.wait_for_close());
  EXPECT_EQ(wait_close().data["how"], "stopped");
  EXPECT_THROW(LineClient{endpoint}, std::runtime_error);
}

TEST_F(ProxyTest, ManyConcurrentSessionsOnAThreadedIoContext) {
  // Its own io_context on four threads, so the strands are really exercised.
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] { io.run(); });
  {
    Options options;
    options.name = kMx;
    options.listen = {{make_address(kProxyAddress), 0}};
    options.upstream = mx_endpoint_;
    options.attack = AttackSpec::parse("strip-starttls");
    Proxy proxy(io, journal_, pki_, options);
    proxy.start();
    constexpr int kClients = 64;
    std::vector<std::thread> clients;
    std::atomic<int> ok{0};
    for (int i = 0; i < kClients; ++i) {
      clients.emplace_back([&, i] {
        try {
          LineClient c(proxy.endpoints().front());
          c.read_reply();
          if (mentions_starttls(c.command("EHLO c" + std::to_string(i) + ".test"))) return;
          if (c.command("QUIT").rfind("221", 0) == 0) ++ok;
        } catch (const std::exception&) {
        }
      });
    }
    for (auto& t : clients)
      t.join();
    EXPECT_EQ(ok.load(), kClients);
    // Every session journals its close.
    int closed = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::uint64_t after = 0;
    while (closed < kClients) {
      auto e = journal_.wait_for(
          [](const core::Event& ev) { return ev.kind == "mitm.session.close"; }, deadline, after);
      if (!e) break;
      after = e->seq;
      ++closed;
    }
    EXPECT_EQ(closed, kClients);
    proxy.stop();
  }
  guard.reset();
  io.stop();
  for (auto& t : threads)
    t.join();
}

}  // namespace
}  // namespace stslab::mitm::testing
