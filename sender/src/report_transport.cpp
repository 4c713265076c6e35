#include "stslab/sender/report_transport.hpp"

#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "stslab/sender/cert_check.hpp"
#include "stslab/sender/delivery.hpp"
#include "stslab/sender/discovery.hpp"
#include "stslab/sender/mx_pattern.hpp"
#include "stslab/sender/policy_cache.hpp"
#include "stslab/sender/resolver.hpp"
#include "stslab/sender/smtp_reply.hpp"
#include "stslab/sender/trust.hpp"
#include "stslab/sender/wire.hpp"

namespace stslab::sender {
namespace {

namespace http = boost::beast::http;

struct HttpsTarget {
  std::string host;
  std::uint16_t port = 443;
  std::string path;  // with the query
};

std::optional<HttpsTarget> parse_https_url(const std::string& url, std::uint16_t default_port) {
  constexpr std::string_view kScheme = "https://";
  if (url.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(url[i])) != kScheme[i]) return std::nullopt;
  }
  const std::string rest = url.substr(kScheme.size());
  const auto slash = rest.find_first_of("/?#");
  std::string authority = rest.substr(0, slash);
  HttpsTarget t{authority, default_port, slash == std::string::npos ? "/" : rest.substr(slash)};
  if (t.path.starts_with('?')) t.path = "/" + t.path;
  t.path = t.path.substr(0, t.path.find('#'));
  if (authority.find('@') != std::string::npos) return std::nullopt;  // no userinfo
  if (auto colon = authority.rfind(':'); colon != std::string::npos) {
    t.host = authority.substr(0, colon);
    try {
      const int port = std::stoi(authority.substr(colon + 1));
      if (port <= 0 || port > 65535) return std::nullopt;
      t.port = static_cast<std::uint16_t>(port);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  t.host = normalize_host(t.host);
  if (t.host.empty()) return std::nullopt;
  return t;
}

DeliveryReport fail(std::string detail) {
  return {false, std::move(detail)};
}

}  // namespace

DeliveryReport post_report(const std::string& url, const std::string& body,
                           const std::string& content_type, TransportContext& ctx) {
  const auto target = parse_https_url(url, ctx.https_port);
  if (!target) return fail("not an https URL: " + url);
  auto addresses = ctx.resolver.a(target->host);
  if (addresses.status != DnsStatus::ok) {
    return fail("no address for " + target->host +
                (addresses.detail.empty() ? "" : ": " + addresses.detail));
  }
  Wire wire(ctx.step_timeout);
  boost::system::error_code ec = boost::asio::error::host_not_found;
  for (const auto& address : addresses.records) {
    wire.close();
    ec = wire.connect({address, target->port});
    if (!ec) break;
  }
  if (ec) return fail("connect to " + target->host + ": " + ec.message());
  if (ec = wire.start_tls(ctx.trust.context(), target->host); ec) {
    return fail("TLS handshake with " + target->host + ": " + ec.message());
  }
  const auto verdict =
      check_peer_certificate(wire.ssl(), ctx.trust.store(), target->host, CertChecks{});
  if (!verdict.ok()) return fail("certificate of " + target->host + ": " + verdict.detail);

  // RFC 8460 §5.4 (RPT-07): a POST whose media type says what the body is.
  const std::string request = "POST " + target->path + " HTTP/1.1\r\nHost: " + target->host +
                              "\r\nUser-Agent: stslab-sender\r\nContent-Type: " + content_type +
                              "\r\nContent-Length: " + std::to_string(body.size()) +
                              "\r\nConnection: close\r\n\r\n";
  if (ec = wire.write(request + body); ec) return fail("sending the report: " + ec.message());
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024);
  boost::beast::flat_buffer buffer;
  ec =
      wire.run([&](auto handler) { http::async_read(wire.tls_stream(), buffer, parser, handler); });
  if (ec && !(ec == boost::asio::ssl::error::stream_truncated && parser.is_done())) {
    return fail("reading the response: " + ec.message());
  }
  const unsigned status = parser.get().result_int();
  // §5.4: a 2xx (200 or 201, typically) means accepted; anything else is retried (RPT-09).
  if (status < 200 || status >= 300) return fail("HTTP status " + std::to_string(status));
  return {true, "HTTP status " + std::to_string(status)};
}

DeliveryReport mail_report(const std::string& from, const std::string& to,
                           const std::string& message, TransportContext& ctx) {
  const auto at = to.rfind('@');
  if (at == std::string::npos) return fail("no domain in " + to);
  const std::string domain = normalize_host(to.substr(at + 1));

  // RFC 8460 §3 (RPT-10): MTA-STS failures must not stop a report, so the report goes out
  // with opportunistic TLS whatever the domain publishes. The defect looks the policy up and
  // obeys it, as a careless MTA that routes reports through its normal queue would.
  ActivePolicy policy;
  policy.domain = domain;
  if (ctx.defects.has(Defect::report_blocked_by_sts)) {
    PolicyCache cache(ctx.state_dir);
    DiscoveryInputs in{
        ctx.resolver, ctx.trust,
        cache,        FetchOptions{.port = ctx.https_port, .step_timeout = ctx.step_timeout},
        ctx.defects,  ctx.diag};
    policy = discover_policy(domain, in);
    if (policy.defer) return fail("policy discovery for " + domain + ": " + policy.note);
  }
  Envelope envelope{from, to, data_payload(message)};
  AttemptContext actx{ctx.trust, ctx.defects, ctx.step_timeout, ctx.helo};
  // No observer: report sessions stay out of sessions.jsonl (RFC 8460 §3, RPT-11).
  const auto outcome = deliver(domain, policy, ctx.resolver, ctx.smtp_port, envelope, actx, {});
  if (outcome.state == DeliveryState::delivered) return {true, outcome.reason};
  return fail(std::string(to_string(outcome.state)) + ": " + outcome.reason);
}

}  // namespace stslab::sender
