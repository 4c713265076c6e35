// The server as a whole: keep-alive, which vhost's routes a request gets (Host, then SNI, then
// local address), changes while serving, listeners, stop(), and argument checks.
#include <atomic>
#include <future>
#include <set>
#include <thread>

#include "https_lab.hpp"

namespace stslab::https::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* policy_path = "/.well-known/mta-sts.txt";

class Server : public HttpsLab {};

TEST_F(Server, KeepAliveServesSeveralRequestsOnOneConnection) {
  const auto ep = start({"127.0.0.2"});
  server->set_vhost(policy_vhost("mta-sts.a.test", {}));
  TlsClient client(ep[0], client_for("mta-sts.a.test"));
  ASSERT_FALSE(client.connect_and_handshake());
  boost::system::error_code ec;
  for (int i = 0; i < 3; ++i) {
    const auto res = client.get(policy_path, "mta-sts.a.test", ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.body(), default_policy);
    EXPECT_TRUE(res.keep_alive());
  }
  ASSERT_TRUE(wait_event("https.request", [](const core::Event& e) { return e.seq >= 4; }));
  EXPECT_EQ(events("https.tls").size(), 1u);
  EXPECT_EQ(events("https.request").size(), 3u);
}

TEST_F(Server, HostHeaderPicksTheRoutesThenSniThenLocalAddress) {
  const auto ep = start({"127.0.0.2"});
  server->set_vhost(policy_vhost("mta-sts.a.test", {"127.0.0.2"}, "policy a\n"));
  server->set_vhost(policy_vhost("mta-sts.b.test", {}, "policy b\n"));

  // SNI a, Host b: the Host header wins.
  TlsClient client(ep[0], client_for("mta-sts.a.test"));
  ASSERT_FALSE(client.connect_and_handshake());
  boost::system::error_code ec;
  auto res = client.get(policy_path, "MTA-STS.B.TEST:443", ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(res.body(), "policy b\n");
  // Unknown Host: the SNI's vhost answers, and the journal keeps what was asked.
  res = client.get(policy_path, "mta-sts.unknown.test", ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(res.body(), "policy a\n");

  // No SNI, no Host: the local address's vhost.
  TlsClient bare(ep[0], ClientConfig{});
  ASSERT_FALSE(bare.connect_and_handshake());
  http::request<http::string_body> req{http::verb::get, policy_path, 10};
  res = bare.request(req, ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(res.body(), "policy a\n");

  ASSERT_TRUE(wait_event("https.request",
                         [](const core::Event& e) { return e.data["host_header"].is_null(); }));
  const auto reqs = events("https.request");
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].data["routed_by"], "host");
  EXPECT_EQ(reqs[0].host, "mta-sts.b.test");
  EXPECT_EQ(reqs[0].domain, "mta-sts.b.test");
  EXPECT_EQ(reqs[1].data["routed_by"], "sni");
  EXPECT_EQ(reqs[1].data["host_header"], "mta-sts.unknown.test");
  EXPECT_EQ(reqs[1].domain, "mta-sts.unknown.test");
  EXPECT_EQ(reqs[1].host, "mta-sts.a.test");
  EXPECT_EQ(reqs[2].data["routed_by"], "local_address");
  EXPECT_EQ(reqs[2].domain, "");
}

TEST_F(Server, RouteChangesApplyToTheNextRequestOnTheSameConnection) {
  const auto ep = start({"127.0.0.2"});
  server->set_vhost(policy_vhost("mta-sts.a.test", {}, "id 1\n"));
  TlsClient client(ep[0], client_for("mta-sts.a.test"));
  ASSERT_FALSE(client.connect_and_handshake());
  boost::system::error_code ec;
  EXPECT_EQ(client.get(policy_path, "mta-sts.a.test", ec).body(), "id 1\n");
  server->set_route("mta-sts.a.test", policy_path, Response::text("id 2\n"));
  EXPECT_EQ(client.get(policy_path, "mta-sts.a.test", ec).body(), "id 2\n");
  EXPECT_TRUE(server->remove_route("mta-sts.a.test", policy_path));
  EXPECT_EQ(client.get(policy_path, "mta-sts.a.test", ec).result_int(), 404u);
  EXPECT_FALSE(server->remove_route("mta-sts.a.test", policy_path));
}

TEST_F(Server, SettersFromAnotherThreadWhileServing) {
  const auto ep = start({"127.0.0.2"});
  server->set_vhost(policy_vhost("mta-sts.a.test", {}, "id 0\n"));
  std::atomic<bool> done{false};
  std::thread editor([&] {
    for (int i = 0; !done; ++i) {
      server->set_route("mta-sts.a.test", policy_path, Response::text("id " + std::to_string(i)));
      server->set_post_sink("mta-sts.a.test", "/report", PostSink{});
      if (i % 10 == 0) server->set_tls_bounds("mta-sts.a.test", {});
      if (i % 25 == 0) server->set_certificate("mta-sts.a.test", {});
    }
  });
  int ok = 0;
  for (int i = 0; i < 20; ++i) {
    TlsClient client(ep[0], client_for("mta-sts.a.test"));
    if (client.connect_and_handshake()) continue;
    boost::system::error_code ec;
    const auto res = client.get(policy_path, "mta-sts.a.test", ec);
    if (!ec && res.body().rfind("id ", 0) == 0) ++ok;
  }
  done = true;
  editor.join();
  EXPECT_EQ(ok, 20);
}

TEST_F(Server, HeadGetsAHeaderWithoutBody) {
  const auto ep = start({"127.0.0.2"});
  server->set_vhost(policy_vhost("mta-sts.a.test", {}));
  TlsClient client(ep[0], client_for("mta-sts.a.test"));
  ASSERT_FALSE(client.connect_and_handshake());
  ASSERT_FALSE(
      client.write_raw_tls("HEAD /.well-known/mta-sts.txt HTTP/1.1\r\nHost: "
                           "mta-sts.a.test\r\nConnection: close\r\n\r\n"));
  boost::system::error_code ec;
  const auto reply = client.read_all_tls(ec);
  EXPECT_EQ(reply.rfind("HTTP/1.1 405", 0), 0u) << reply;
  EXPECT_NE(reply.find("Content-Length: 19"), std::string::npos) << reply;
  EXPECT_EQ(reply.substr(reply.size() - 4), "\r\n\r\n") << reply;  // nothing after the header
}

TEST_F(Server, ListenAddsAListenerWhileRunning) {
  start({"127.0.0.2"});
  server->set_vhost(policy_vhost("mta-sts.a.test", {"127.0.0.7"}));
  const auto extra = server->listen({addr("127.0.0.7"), 0});
  EXPECT_EQ(server->endpoints().size(), 2u);
  TlsClient client(extra,
                   ClientConfig{.ca_pem = pki.root_ca_pem(), .verify_host = "mta-sts.a.test"});
  ASSERT_FALSE(client.connect_and_handshake());  // no SNI: picked by the new address
}

TEST_F(Server, StopEndsInFlightSessionsPromptly) {
  const auto ep = start({"127.0.0.2"});
  auto slow = Response::text(default_policy);
  slow.delay = 30s;
  server->set_vhost(policy_vhost("mta-sts.a.test", {}));
  server->set_route("mta-sts.a.test", policy_path, slow);
  auto fetch = std::async(std::launch::async, [&] {
    TlsClient client(ep[0], client_for("mta-sts.a.test"));
    if (auto ec = client.connect_and_handshake()) return ec;
    boost::system::error_code ec;
    client.get(policy_path, "mta-sts.a.test", ec);
    return ec;
  });
  ASSERT_TRUE(wait_event("https.tls"));
  const auto started = std::chrono::steady_clock::now();
  server->stop();
  EXPECT_TRUE(server->wait_idle(std::chrono::steady_clock::now() + 10s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  EXPECT_TRUE(fetch.get());  // the client saw the connection end, not a policy
  EXPECT_EQ(server->live_sessions(), 0u);
  for (const auto& e : events("https.request"))
    EXPECT_EQ(e.data["completed"], false);

  TlsClient late(ep[0], client_for("mta-sts.a.test"));
  EXPECT_TRUE(late.connect());  // the listener is gone
}

TEST_F(Server, RefusesNonLoopbackEndpointsUnlessAllowed) {
  Options options;
  options.endpoints.emplace_back(addr("0.0.0.0"), 0);
  HttpsServer s(io.io(), journal, pki, options);
  EXPECT_THROW(s.start(), std::invalid_argument);
}

TEST_F(Server, RejectsBadConfiguration) {
  start({"127.0.0.2"});
  server->set_vhost(policy_vhost("mta-sts.a.test", {"127.0.0.2"}));
  EXPECT_THROW(server->set_route("nope.test", "/", Response{}), std::out_of_range);
  EXPECT_THROW(server->set_route("mta-sts.a.test", "/", Response::with_status(42)),
               std::invalid_argument);
  EXPECT_THROW(server->set_route("mta-sts.a.test", "no-slash", Response{}), std::invalid_argument);
  EXPECT_THROW(server->set_vhost(VirtualHost{}), std::invalid_argument);
  EXPECT_THROW(server->set_vhost(policy_vhost("mta-sts.b.test", {"127.0.0.2"})),
               std::invalid_argument);  // the address belongs to a.test
  EXPECT_THROW(server->credential("nope.test"), std::out_of_range);
  // Replacing a vhost under its own name keeps its addresses legal.
  EXPECT_NO_THROW(server->set_vhost(policy_vhost("MTA-STS.A.TEST", {"127.0.0.2"})));
  EXPECT_EQ(server->vhost_names(), std::vector<std::string>{"MTA-STS.A.TEST"});
  EXPECT_TRUE(server->find_vhost("mta-sts.a.test"));
  EXPECT_EQ(server->credential("mta-sts.a.test").host, "mta-sts.a.test");
  EXPECT_EQ(server->fallback_credential().host, "fallback.invalid");
}

TEST_F(Server, AVhostSetChangeIsOneStepForReaders) {
  // A world change swaps a domain's policy host and report receivers together: a reader never
  // sees the old receiver gone before the new one is there (issue 11, item 5).
  start({"127.0.0.2"});
  using Names = std::set<std::string>;
  const Names a{"mta-sts.a.test", "rpt-a.a.test"}, b{"mta-sts.a.test", "rpt-b.a.test"};
  server->replace_vhosts({},
                         {policy_vhost("mta-sts.a.test", {}), policy_vhost("rpt-a.a.test", {})});
  std::atomic<bool> done = false;
  std::atomic<int> reads = 0, torn = 0;
  std::thread reader([&] {
    while (!done) {
      const auto names = server->vhost_names();
      const Names seen(names.begin(), names.end());
      if (seen != a && seen != b) ++torn;
      ++reads;
    }
  });
  // Readers may start late on a loaded machine: switch on until they have looked a while.
  for (int i = 0; i < 200 || reads < 200 || i % 2 != 0; ++i) {
    const bool to_b = i % 2 == 0;
    server->replace_vhosts({to_b ? "rpt-a.a.test" : "rpt-b.a.test"},
                           {policy_vhost("mta-sts.a.test", {}, to_b ? "policy b\n" : "policy a\n"),
                            policy_vhost(to_b ? "rpt-b.a.test" : "rpt-a.a.test", {})});
  }
  done = true;
  reader.join();
  EXPECT_EQ(torn.load(), 0) << "of " << reads.load() << " reads";
  const auto names = server->vhost_names();
  EXPECT_EQ(Names(names.begin(), names.end()), a);
}

TEST_F(Server, AVhostSetChangeThatClashesChangesNothing) {
  start({"127.0.0.2"});
  server->set_vhost(policy_vhost("mta-sts.a.test", {"127.0.0.2"}));
  server->set_vhost(policy_vhost("rpt.a.test", {}));
  EXPECT_THROW(
      server->replace_vhosts({"rpt.a.test"}, {policy_vhost("mta-sts.b.test", {"127.0.0.2"})}),
      std::invalid_argument);
  EXPECT_TRUE(server->find_vhost("rpt.a.test"));
  EXPECT_FALSE(server->find_vhost("mta-sts.b.test"));
}

}  // namespace
}  // namespace stslab::https::test
