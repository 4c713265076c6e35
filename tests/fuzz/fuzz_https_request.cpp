// fake-https: the bytes of HTTP requests on one kept-alive connection, read the way a session
// reads them (Beast's request parser with the server's header and body limits, fed as the
// segments arrive), then routed: the Host header normalised, the target's path matched against a
// policy host's routes and POST sink, and every field made printable for the journal.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "stslab/https/names.hpp"
#include "stslab/https/routing.hpp"

namespace http = boost::beast::http;
using namespace stslab::https;

namespace {

const VirtualHost& policy_host() {
  static const VirtualHost host = [] {
    VirtualHost h;
    h.name = "mta-sts.a.test";
    h.routes["/.well-known/mta-sts.txt"] =
        Response::text("version: STSv1\nmode: enforce\nmx: mx1.a.test\nmax_age: 86400\n");
    h.post_sinks["/tlsrpt"] = PostSink{.max_body_bytes = 256};
    return h;
  }();
  return host;
}

// Reads one request off the front of `in`; false when the connection would end here.
bool one_request(std::string_view& in) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(1024);
  parser.body_limit(4096);
  boost::system::error_code ec;
  // The octets arrive 7 at a time; like the session's buffer, what the parser did not take yet
  // is offered again with the next ones.
  auto feed = [&](auto done) {
    std::size_t window = 7;
    while (!done() && !in.empty()) {
      const std::size_t offered = std::min(in.size(), window);
      const std::size_t n = parser.put(boost::asio::buffer(in.data(), offered), ec);
      if (ec == http::error::need_more) {
        ec = {};
        if (n == 0) {
          if (offered == in.size()) return false;  // the connection ends mid-request
          window += 7;
          continue;
        }
      }
      if (ec) return false;
      in.remove_prefix(n);
      window = 7;
    }
    return done();
  };
  if (!feed([&] { return parser.is_header_done(); })) return false;
  const auto& req = parser.get();
  const std::string raw_host(req[http::field::host]);
  const std::string host = normalize_host(raw_host);
  const VirtualHost* vhost = host == policy_host().name ? &policy_host() : nullptr;
  const RouteDecision decision = decide_route(vhost, req.method_string(), req.target());
  (void)to_string(decision.outcome);
  (void)target_path(req.target());
  for (const auto& field : req) {
    (void)printable(field.name_string());
    (void)printable(field.value());
  }
  (void)printable(req.target());
  if (decision.sink) parser.body_limit(decision.sink->max_body_bytes);
  if (!feed([&] { return parser.is_done(); })) return false;
  (void)printable(req.body());
  return req.keep_alive();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = stslab::fuzz::as_text(data, size);
  while (!in.empty() && one_request(in)) {
  }
  return 0;
}
