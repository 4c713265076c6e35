// The POST sink that will receive TLS-RPT reports over https: bodies kept with their headers,
// a size cap (413), Expect: 100-continue, and 405 for other methods.
#include <fstream>

#include "https_lab.hpp"

namespace stslab::https::test {
namespace {

using namespace std::chrono_literals;

class PostSinkTest : public HttpsLab {
 protected:
  void SetUp() override {
    STSLAB_REQUIRE_PROGRAM("curl");
    ep = start({"127.0.0.2"})[0];
    auto v = policy_vhost("tlsrpt.a.test", {});
    v.post_sinks["/report"] = PostSink{.max_body_bytes = 4096};
    server->set_vhost(v);
  }
  std::string write_file(const std::string& name, const std::string& bytes) {
    const auto path = (dir / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  CurlResult post(const std::string& file, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--data-binary", "@" + file};
    args.insert(args.end(), extra.begin(), extra.end());
    return curl("tlsrpt.a.test", ep, "/report?source=test", args);
  }
  tcp::endpoint ep;
};

TEST_F(PostSinkTest, KeepsTheBodyAndItsHeaders) {
  const std::string report(
      "\x1f\x8b\x08\x00"
      "binary\0"
      "report",
      17);
  const auto r =
      post(write_file("report.gz", report), {"-H", "Content-Type: application/tlsrpt+gzip"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.info["http_code"], 200);

  const auto event = wait_event("https.post");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->domain, "tlsrpt.a.test");
  EXPECT_EQ(event->host, "tlsrpt.a.test");
  EXPECT_EQ(event->data["content_type"], "application/tlsrpt+gzip");
  EXPECT_EQ(event->data["body_bytes"], report.size());
  EXPECT_EQ(event->data["path"], "/report");

  const auto posts = server->posts("tlsrpt.a.test");
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].body, report);
  EXPECT_EQ(posts[0].content_type, "application/tlsrpt+gzip");
  EXPECT_EQ(posts[0].target, "/report?source=test");
  EXPECT_EQ(posts[0].path, "/report");
  EXPECT_EQ(posts[0].journal_seq, event->seq);
  EXPECT_EQ(posts[0].id, event->data["id"]);
  EXPECT_TRUE(server->posts("other.test").empty());

  const auto req = wait_event("https.request");
  ASSERT_TRUE(req);
  EXPECT_EQ(req->data["outcome"], "post_sink");
  EXPECT_EQ(req->data["request_body_bytes"], report.size());

  server->clear_posts();
  EXPECT_TRUE(server->posts().empty());
}

TEST_F(PostSinkTest, ScriptedReplyStatusIsSentAndThePostStillKept) {
  server->set_post_sink("tlsrpt.a.test", "/report",
                        PostSink{.reply = Response::with_status(503, "busy\n")});
  const auto r =
      post(write_file("report.json", "{}"), {"-H", "Content-Type: application/tlsrpt+json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.info["http_code"], 503);
  ASSERT_EQ(server->posts().size(), 1u);
  EXPECT_EQ(server->posts()[0].content_type, "application/tlsrpt+json");
}

TEST_F(PostSinkTest, BodyOverTheCapGets413AndIsNotKept) {
  const auto r = post(write_file("big", std::string(10'000, 'r')));
  EXPECT_EQ(r.info["http_code"], 413) << r.err;
  const auto req = wait_event("https.request");
  ASSERT_TRUE(req);
  EXPECT_EQ(req->data["status"], 413);
  EXPECT_EQ(req->data["outcome"], "body_too_large");
  EXPECT_TRUE(server->posts().empty());
  EXPECT_TRUE(events("https.post").empty());
}

TEST_F(PostSinkTest, ChunkedBodyOverTheCapGets413) {
  const auto r =
      post(write_file("big", std::string(10'000, 'r')), {"-H", "Transfer-Encoding: chunked"});
  EXPECT_EQ(r.info["http_code"], 413) << r.err;
  const auto req = wait_event("https.request");
  ASSERT_TRUE(req);
  EXPECT_EQ(req->data["outcome"], "body_too_large");
  EXPECT_TRUE(server->posts().empty());
}

TEST_F(PostSinkTest, ExpectContinueIsAnsweredWithoutCurlsOneSecondWait) {
  const auto r =
      post(write_file("report.json", std::string(2000, 'j')), {"-H", "Expect: 100-continue"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.info["http_code"], 200);
  // curl waits 1 s for a 100 that never comes; count from the request, not from process start.
  EXPECT_LT(r.info["time_total"].get<double>() - r.info["time_pretransfer"].get<double>(), 0.9);
  ASSERT_EQ(server->posts().size(), 1u);
  EXPECT_EQ(server->posts()[0].body.size(), 2000u);
}

TEST_F(PostSinkTest, GetOnASinkIs405) {
  const auto r = curl("tlsrpt.a.test", ep, "/report");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.info["http_code"], 405);
  EXPECT_TRUE(server->posts().empty());
}

}  // namespace
}  // namespace stslab::https::test
