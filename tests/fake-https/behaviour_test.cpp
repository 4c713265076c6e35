// Each scripted response behaviour, seen through curl: statuses, redirects (not followed),
// delay, trickle, mid-body close, oversized bodies, 405, and request headers in the journal.
#include <fstream>
#include <iterator>

#include "https_lab.hpp"

namespace stslab::https::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* policy_path = "/.well-known/mta-sts.txt";

class Behaviour : public HttpsLab {
 protected:
  void SetUp() override {
    STSLAB_REQUIRE_PROGRAM("curl");
    ep = start({"127.0.0.2"})[0];
    server->set_vhost(policy_vhost("mta-sts.a.test", {"127.0.0.2"}));
  }
  CurlResult fetch(std::vector<std::string> extra = {}, const std::string& path = policy_path) {
    return curl("mta-sts.a.test", ep, path, std::move(extra));
  }
  tcp::endpoint ep;
};

TEST_F(Behaviour, ScriptedErrorStatusAndUnscriptedPath) {
  server->set_route("mta-sts.a.test", policy_path, Response::with_status(500, "oops\n"));
  auto r = fetch();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.info["http_code"], 500);
  EXPECT_EQ(r.body, "oops\n");

  r = fetch({}, "/not-scripted");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.info["http_code"], 404);
  const auto req = wait_event(
      "https.request", [](const core::Event& e) { return e.data["target"] == "/not-scripted"; });
  ASSERT_TRUE(req);
  EXPECT_EQ(req->data["status"], 404);
  EXPECT_EQ(req->data["scripted"], false);
  EXPECT_EQ(req->data["outcome"], "not_found");
}

TEST_F(Behaviour, ScriptedNotFoundIsStillScripted) {
  server->set_route("mta-sts.a.test", policy_path, Response::with_status(404));
  const auto r = fetch();
  EXPECT_EQ(r.info["http_code"], 404);
  const auto req = wait_event("https.request");
  ASSERT_TRUE(req);
  EXPECT_EQ(req->data["scripted"], true);
}

TEST_F(Behaviour, RedirectIsSentAndCurlDoesNotFollow) {
  server->set_route("mta-sts.a.test", policy_path,
                    Response::redirect(301, "https://mta-sts.elsewhere.test/policy"));
  const auto r = fetch();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.info["http_code"], 301);
  EXPECT_EQ(r.info["redirect_url"], "https://mta-sts.elsewhere.test/policy");
  EXPECT_EQ(r.info["num_redirects"], 0);
  ASSERT_TRUE(wait_event("https.request"));
  EXPECT_EQ(events("https.request").size(), 1u);
}

TEST_F(Behaviour, DelayHoldsTheHeadersBack) {
  auto slow = Response::text(default_policy);
  slow.delay = 600ms;
  server->set_route("mta-sts.a.test", policy_path, slow);
  const auto r = fetch();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GE(r.elapsed, 600ms);
  EXPECT_LT(r.elapsed, 10s);
  EXPECT_EQ(r.body, default_policy);
  // curl can tell when the first byte came: not before the delay.
  EXPECT_GE(r.info["time_starttransfer"].get<double>(), 0.6);
}

TEST_F(Behaviour, ClientGivingUpDuringADelayIsJournaledAsIncomplete) {
  auto slow = Response::text(default_policy);
  slow.delay = 1500ms;
  server->set_route("mta-sts.a.test", policy_path, slow);
  TlsClient client(ep, client_for("mta-sts.a.test"));
  ASSERT_FALSE(client.connect_and_handshake());
  client.set_timeout(200ms);  // gives up long before the answer comes
  boost::system::error_code ec;
  client.get(policy_path, "mta-sts.a.test", ec);
  EXPECT_EQ(ec, boost::beast::error::timeout);
  client.close();
  const auto req = wait_event("https.request");
  ASSERT_TRUE(req);
  EXPECT_EQ(req->data["completed"], false);
  EXPECT_FALSE(req->data["error"].is_null());
}

TEST_F(Behaviour, TrickleSendsTheBodyInTimedPieces) {
  auto trickle = Response::text(std::string(40, 'p'));
  trickle.trickle = {.chunk_bytes = 8, .interval = 100ms};
  server->set_route("mta-sts.a.test", policy_path, trickle);
  const auto r = fetch();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.body, std::string(40, 'p'));
  // Five pieces, four pauses between them.
  EXPECT_GE(r.info["time_total"].get<double>() - r.info["time_starttransfer"].get<double>(), 0.35);
  EXPECT_GE(r.elapsed, 400ms);
  const auto req = wait_event("https.request");
  ASSERT_TRUE(req);
  EXPECT_EQ(req->data["body_bytes_sent"], 40);
}

TEST_F(Behaviour, CloseMidBodyIsAPartialTransfer) {
  auto cut = Response::text(std::string(1000, 'p'));
  cut.close_after_body_bytes = 100;
  server->set_route("mta-sts.a.test", policy_path, cut);
  const auto r = fetch();
  EXPECT_EQ(r.exit_code, 18) << r.err;  // CURLE_PARTIAL_FILE
  EXPECT_EQ(r.body.size(), 100u);
  const auto req = wait_event("https.request");
  ASSERT_TRUE(req);
  EXPECT_EQ(req->data["body_bytes_sent"], 100);
  EXPECT_EQ(req->data["cut_short"], true);
  EXPECT_EQ(req->data["completed"], false);
}

TEST_F(Behaviour, OversizedBodyCarriesFillerAfterThePolicy) {
  auto big = Response::text(default_policy);
  big.filler_bytes = 2 * 1024 * 1024;
  server->set_route("mta-sts.a.test", policy_path, big);
  const auto r = fetch();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::size_t expected = std::string(default_policy).size() + big.filler_bytes;
  EXPECT_EQ(r.body.size(), expected);
  EXPECT_EQ(r.info["size_download"], expected);
  EXPECT_EQ(r.body.rfind(default_policy, 0), 0u);
  EXPECT_EQ(r.body.substr(std::string(default_policy).size(), 64), std::string(63, 'x') + "\n");
  const auto req = wait_event("https.request");
  ASSERT_TRUE(req);
  EXPECT_EQ(req->data["body_bytes_sent"], expected);
}

TEST_F(Behaviour, ScriptedHeadersAreSentAsGiven) {
  auto r = Response::text(default_policy, "text/html; charset=utf-8");
  r.headers.emplace_back("X-Lab", "one");
  r.headers.emplace_back("Cache-Control", "max-age=0");
  server->set_route("mta-sts.a.test", policy_path, r);
  const auto got = fetch({"-D", (dir / "headers").string()});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_EQ(got.info["content_type"], "text/html; charset=utf-8");
  std::ifstream in(dir / "headers");
  std::string headers((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(headers.find("X-Lab: one"), std::string::npos) << headers;
  EXPECT_NE(headers.find("Cache-Control: max-age=0"), std::string::npos) << headers;
}

TEST_F(Behaviour, WrongMethodOnThePolicyRouteIs405) {
  const auto r = fetch({"-X", "POST", "--data", "x=1", "-D", (dir / "headers").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.info["http_code"], 405);
  std::ifstream in(dir / "headers");
  std::string headers((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(headers.find("Allow: GET"), std::string::npos) << headers;
  const auto req = wait_event("https.request");
  ASSERT_TRUE(req);
  EXPECT_EQ(req->data["method"], "POST");
  EXPECT_EQ(req->data["outcome"], "method_not_allowed");
  EXPECT_EQ(req->data["request_body_bytes"], 3);
}

TEST_F(Behaviour, ConditionalRequestHeadersAreJournaled) {
  const auto r = fetch({"-H", "If-None-Match: \"policy-v1\"", "-H",
                        "If-Modified-Since: Wed, 21 Oct 2015 07:28:00 GMT"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto req = wait_event("https.request");
  ASSERT_TRUE(req);
  EXPECT_EQ(req->data["headers"]["if-none-match"], "\"policy-v1\"");
  EXPECT_EQ(req->data["headers"]["if-modified-since"], "Wed, 21 Oct 2015 07:28:00 GMT");
}

}  // namespace
}  // namespace stslab::https::test
