// Hostile and broken clients: each case is journaled, the connection ends, and a well-behaved
// client right after (or at the same time) is served normally.
#include <sstream>
#include <thread>

#include "https_lab.hpp"

namespace stslab::https::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* policy_path = "/.well-known/mta-sts.txt";

class Hostile : public HttpsLab {
 protected:
  void start_with(Options options = {}) {
    ep = start({"127.0.0.2"}, std::move(options))[0];
    server->set_vhost(policy_vhost("mta-sts.a.test", {"127.0.0.2"}));
  }
  // A complete, verified policy fetch; fails the test if it does not work.
  void expect_good_request() {
    TlsClient client(ep, client_for("mta-sts.a.test"));
    ASSERT_FALSE(client.connect_and_handshake());
    boost::system::error_code ec;
    const auto res = client.get(policy_path, "mta-sts.a.test", ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res.body(), default_policy);
  }
  tcp::endpoint ep;
};

TEST_F(Hostile, PlainHttpInsteadOfTls) {
  start_with();
  TlsClient client(ep, {});
  ASSERT_FALSE(client.connect());
  ASSERT_FALSE(client.write_raw_tcp("GET / HTTP/1.1\r\nHost: mta-sts.a.test\r\n\r\n"));
  const auto tls = wait_event("https.tls");
  ASSERT_TRUE(tls);
  EXPECT_EQ(tls->data["ok"], false);
  EXPECT_TRUE(tls->data["selected_by"].is_null());
  EXPECT_EQ(tls->data["error"], "http request");
  boost::system::error_code ec;
  client.read_all_tcp(ec);  // the server hangs up
  EXPECT_TRUE(ec);
  expect_good_request();
}

TEST_F(Hostile, RandomBytesInsteadOfTls) {
  start_with();
  TlsClient client(ep, {});
  ASSERT_FALSE(client.connect());
  ASSERT_FALSE(client.write_raw_tcp(std::string("\x16\x03\x01\x00\x05garbagegarbage", 19)));
  const auto tls = wait_event("https.tls");
  ASSERT_TRUE(tls);
  EXPECT_EQ(tls->data["ok"], false);
  EXPECT_FALSE(tls->data["error"].get<std::string>().empty());
  expect_good_request();
}

TEST_F(Hostile, AbruptCloseMidHandshake) {
  start_with();
  {
    TlsClient client(ep, {});
    ASSERT_FALSE(client.connect());
    // A TLS record header announcing a ClientHello that never comes.
    ASSERT_FALSE(client.write_raw_tcp(std::string("\x16\x03\x01\x02\x00\x01", 6)));
    client.close();
  }
  const auto tls = wait_event("https.tls");
  ASSERT_TRUE(tls);
  EXPECT_EQ(tls->data["ok"], false);
  EXPECT_FALSE(tls->data["error"].is_null());
  expect_good_request();
}

TEST_F(Hostile, SilentClientHitsTheHandshakeTimeout) {
  Options options;
  options.handshake_timeout = 2s;  // long enough for the good client's handshake under load
  start_with(options);
  TlsClient client(ep, {});
  ASSERT_FALSE(client.connect());
  const auto tls = wait_event("https.tls");
  ASSERT_TRUE(tls);
  EXPECT_EQ(tls->data["error"], "handshake timeout");
  expect_good_request();
}

TEST_F(Hostile, GarbageInsteadOfHttpGets400) {
  start_with();
  TlsClient client(ep, client_for("mta-sts.a.test"));
  ASSERT_FALSE(client.connect_and_handshake());
  ASSERT_FALSE(client.write_raw_tls("\x01\x02 not http at all\r\n\r\n"));
  boost::system::error_code ec;
  const auto reply = client.read_all_tls(ec);
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
  const auto error = wait_event("https.error");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->data["stage"], "header");
  EXPECT_EQ(error->data["status_sent"], 400);
  EXPECT_EQ(error->host, "mta-sts.a.test");
  expect_good_request();
}

TEST_F(Hostile, HeaderOverTheLimitGets431) {
  Options options;
  options.max_header_bytes = 1024;
  start_with(options);
  TlsClient client(ep, client_for("mta-sts.a.test"));
  ASSERT_FALSE(client.connect_and_handshake());
  ASSERT_FALSE(client.write_raw_tls(
      "GET / HTTP/1.1\r\nHost: mta-sts.a.test\r\nX-Big: " + std::string(4096, 'b') + "\r\n\r\n"));
  boost::system::error_code ec;
  const auto reply = client.read_all_tls(ec);
  EXPECT_EQ(reply.rfind("HTTP/1.1 431", 0), 0u) << reply;
  const auto error = wait_event("https.error");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->data["status_sent"], 431);
  expect_good_request();
}

TEST_F(Hostile, SlowlorisIsCutOffWhileOthersAreServed) {
  Options options;
  options.header_timeout = 1500ms;  // the good client must get its request in within this
  start_with(options);
  TlsClient slow(ep, client_for("mta-sts.a.test"));
  ASSERT_FALSE(slow.connect_and_handshake());
  ASSERT_FALSE(slow.write_raw_tls("GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: mta-"));

  expect_good_request();  // served while the slow client holds its connection

  const auto error = wait_event("https.error");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->data["error"], "header timeout");
  EXPECT_TRUE(error->data["status_sent"].is_null());
  boost::system::error_code ec;
  slow.read_all_tls(ec);
  EXPECT_TRUE(ec);  // the server closed it
}

TEST_F(Hostile, IdleConnectionAfterTheHandshakeIsJournaled) {
  Options options;
  options.header_timeout = 300ms;
  start_with(options);
  TlsClient idle(ep, client_for("mta-sts.a.test"));
  ASSERT_FALSE(idle.connect_and_handshake());
  const auto error = wait_event("https.error");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->data["error"], "idle timeout before the first request");
  EXPECT_EQ(error->data["requests_served"], 0);
}

TEST_F(Hostile, TruncatedBodyIsJournaled) {
  start_with();
  auto v = policy_vhost("mta-sts.a.test", {"127.0.0.2"});
  v.post_sinks["/report"] = PostSink{};
  server->set_vhost(v);
  {
    TlsClient client(ep, client_for("mta-sts.a.test"));
    ASSERT_FALSE(client.connect_and_handshake());
    ASSERT_FALSE(client.write_raw_tls(
        "POST /report HTTP/1.1\r\nHost: mta-sts.a.test\r\nContent-Length: 100\r\n\r\nonly ten.."));
    client.close();
  }
  const auto error = wait_event("https.error");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->data["stage"], "body");
  EXPECT_TRUE(server->posts().empty());
  expect_good_request();
}

TEST_F(Hostile, HostileSniAndHeaderBytesAreEscapedInTheJournal) {
  start_with();
  ClientConfig config;
  config.sni = "bad\x7fname\xc3.test";
  TlsClient client(ep, config);
  ASSERT_FALSE(client.connect_and_handshake());
  ASSERT_FALSE(
      client.write_raw_tls("GET /x HTTP/1.1\r\nHost: mta-sts.a.test\r\nX-Odd: "
                           "caf\xc3\xa9\r\nConnection: close\r\n\r\n"));
  boost::system::error_code ec;
  client.read_all_tls(ec);
  const auto req = wait_event("https.request");
  ASSERT_TRUE(req);
  EXPECT_EQ(req->data["sni"], "bad\\x7fname\\xc3.test");
  EXPECT_EQ(req->data["headers"]["x-odd"], "caf\\xc3\\xa9");
  std::ostringstream out;
  EXPECT_NO_THROW(journal.write_jsonl(out));  // valid UTF-8 all the way
}

TEST_F(Hostile, ManyIdleConnectionsDoNotStarveRealClients) {
  Options options;
  options.handshake_timeout = 120s;  // the idle ones must still be open at the end, even on a
                                     // slow (sanitizer, loaded CI) run
  start_with(options);
  constexpr int idle_count = 1000;
  std::vector<std::unique_ptr<TlsClient>> idle;
  for (int i = 0; i < idle_count; ++i) {
    idle.push_back(std::make_unique<TlsClient>(ep, ClientConfig{}));
    ASSERT_FALSE(idle.back()->connect()) << "connection " << i;
  }
  std::vector<std::thread> clients;
  std::atomic<int> served{0};
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        TlsClient client(ep, client_for("mta-sts.a.test"));
        if (client.connect_and_handshake()) continue;
        boost::system::error_code ec;
        const auto res = client.get(policy_path, "mta-sts.a.test", ec);
        if (!ec && res.body() == default_policy) ++served;
      }
    });
  }
  for (auto& t : clients)
    t.join();
  EXPECT_EQ(served, 40);
  EXPECT_GE(server->live_sessions(), static_cast<std::size_t>(idle_count));
  idle.clear();
}

}  // namespace
}  // namespace stslab::https::test
