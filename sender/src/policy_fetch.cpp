#include "stslab/sender/policy_fetch.hpp"

#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "stslab/sender/cert_check.hpp"
#include "stslab/sender/resolver.hpp"
#include "stslab/sender/trust.hpp"
#include "stslab/sender/wire.hpp"

namespace stslab::sender {
namespace {

namespace http = boost::beast::http;

constexpr int kMaxRedirects = 5;  // only with the follow-redirects defect
constexpr std::string_view kWellKnownPath = "/.well-known/mta-sts.txt";

struct Target {
  std::string host;
  std::uint16_t port = 443;
  std::string path;
};

struct HttpAnswer {
  unsigned status = 0;
  std::string location;
  std::optional<std::string> content_type;
  std::string body;
};

FetchResult failed(std::string failure, std::string detail) {
  FetchResult r;
  r.failure = std::move(failure);
  r.detail = std::move(detail);
  return r;
}

// "https://host[:port]/path" or "/path" (same host). Only https: a policy is never plain HTTP.
std::optional<Target> redirect_target(const std::string& location, const Target& from) {
  if (location.starts_with('/')) return Target{from.host, from.port, location};
  constexpr std::string_view kScheme = "https://";
  if (!location.starts_with(kScheme)) return std::nullopt;
  std::string rest = location.substr(kScheme.size());
  const auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  Target t{authority, from.port, slash == std::string::npos ? "/" : rest.substr(slash)};
  if (auto colon = authority.find(':'); colon != std::string::npos) {
    t.host = authority.substr(0, colon);
    try {
      const int port = std::stoi(authority.substr(colon + 1));
      if (port <= 0 || port > 65535) return std::nullopt;
      t.port = static_cast<std::uint16_t>(port);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  if (t.host.empty()) return std::nullopt;
  return t;
}

// One GET over a fresh TLS connection. On failure `out` stays empty and `fail` is set.
std::optional<HttpAnswer> get_once(const Target& target, Resolver& resolver, Trust& trust,
                                   const FetchOptions& options, const DefectSet& defects,
                                   FetchResult& fail, std::string& local_address) {
  auto addresses = resolver.a(target.host);
  if (addresses.status != DnsStatus::ok) {
    fail = failed("sts-policy-fetch-error", "no address for " + target.host);
    return std::nullopt;
  }
  Wire wire(options.step_timeout);
  boost::system::error_code ec = boost::asio::error::host_not_found;
  for (const auto& address : addresses.records) {
    wire.close();
    ec = wire.connect({address, target.port});
    if (!ec) break;
  }
  if (ec) {
    fail = failed("sts-policy-fetch-error", "connect to " + target.host + ": " + ec.message());
    return std::nullopt;
  }
  local_address = wire.local_address();
  // §7.1 (STS-FETCH-11): the SNI is the policy host.
  const std::string sni = defects.has(Defect::no_sni) ? std::string() : target.host;
  if (ec = wire.start_tls(trust.context(), sni); ec) {
    fail = failed("sts-policy-fetch-error", "TLS handshake: " + ec.message());
    return std::nullopt;
  }
  if (!defects.has(Defect::policy_cert_no_verify)) {
    // §3.3: the policy host must present a valid PKIX certificate for its name.
    auto verdict = check_peer_certificate(wire.ssl(), trust.store(), target.host, CertChecks{});
    if (!verdict.ok()) {
      fail = failed("sts-webpki-invalid", verdict.detail);
      return std::nullopt;
    }
  }
  // No conditional or cache headers: §3.3 forbids HTTP caching (STS-FETCH-05).
  const std::string request = "GET " + target.path + " HTTP/1.1\r\nHost: " + target.host +
                              "\r\nUser-Agent: stslab-sender\r\nAccept: */*\r\n"
                              "Connection: close\r\n\r\n";
  if (ec = wire.write(request); ec) {
    fail = failed("sts-policy-fetch-error", "sending the request: " + ec.message());
    return std::nullopt;
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(options.max_body);
  boost::beast::flat_buffer buffer;
  // The whole response is one step: a trickling server cannot stretch the fetch (§3.3).
  ec =
      wire.run([&](auto handler) { http::async_read(wire.tls_stream(), buffer, parser, handler); });
  const bool truncated_but_complete =
      ec == boost::asio::ssl::error::stream_truncated && parser.is_done();
  if (ec && !truncated_but_complete) {
    const std::string why = ec == http::error::body_limit
                                ? "body larger than " + std::to_string(options.max_body) + " bytes"
                                : ec.message();
    fail = failed("sts-policy-fetch-error", "reading the response: " + why);
    return std::nullopt;
  }
  const auto& msg = parser.get();
  HttpAnswer answer;
  answer.status = msg.result_int();
  if (auto it = msg.find(http::field::location); it != msg.end()) {
    answer.location = std::string(it->value());
  }
  if (auto it = msg.find(http::field::content_type); it != msg.end()) {
    answer.content_type = std::string(it->value());
  }
  answer.body = msg.body();
  return answer;
}

}  // namespace

bool is_text_plain(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t'))
    type.remove_prefix(1);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t'))
    type.remove_suffix(1);
  constexpr std::string_view kWanted = "text/plain";
  if (type.size() != kWanted.size()) return false;
  for (std::size_t i = 0; i < type.size(); ++i) {
    const char c = (type[i] >= 'A' && type[i] <= 'Z') ? static_cast<char>(type[i] + 32) : type[i];
    if (c != kWanted[i]) return false;
  }
  return true;
}

FetchResult fetch_policy(const std::string& policy_domain, Resolver& resolver, Trust& trust,
                         const FetchOptions& options, const DefectSet& defects) {
  // §3.2, §8.2: the policy host is always mta-sts.<policy domain>, never a CNAME target.
  Target target{"mta-sts." + policy_domain, options.port, std::string(kWellKnownPath)};
  for (int redirects = 0;; ++redirects) {
    const std::string url = "https://" + target.host + target.path;
    FetchResult fail;
    std::string local;
    auto answer = get_once(target, resolver, trust, options, defects, fail, local);
    if (!answer) {
      fail.url = url;
      fail.local_address = local;
      return fail;
    }
    if (answer->status >= 300 && answer->status < 400) {
      // §3.3: redirects MUST NOT be followed (STS-FETCH-04).
      auto next = redirect_target(answer->location, target);
      if (defects.has(Defect::follow_redirects) && next && redirects < kMaxRedirects) {
        target = *next;
        continue;
      }
      auto r = failed("sts-policy-fetch-error", "HTTP " + std::to_string(answer->status) +
                                                    " redirect to '" + answer->location +
                                                    "' not followed");
      r.url = url;
      r.local_address = local;
      return r;
    }
    // §3.3: only 200 OK yields a policy (STS-FETCH-03).
    const bool ok_status = answer->status == 200 || (defects.has(Defect::accept_non_200) &&
                                                     answer->status >= 200 && answer->status < 300);
    if (!ok_status) {
      auto r = failed("sts-policy-fetch-error", "HTTP status " + std::to_string(answer->status));
      r.url = url;
      r.local_address = local;
      return r;
    }
    // §3.2: the media type should be text/plain (STS-FETCH-06). An absent type is not it.
    if (!defects.has(Defect::ignore_content_type) &&
        !(answer->content_type && is_text_plain(*answer->content_type))) {
      auto r =
          failed("sts-policy-fetch-error",
                 "media type '" + answer->content_type.value_or("(none)") + "' is not text/plain");
      r.url = url;
      r.local_address = local;
      return r;
    }
    auto parsed = parse_policy(answer->body, defects);
    FetchResult r;
    r.url = url;
    r.local_address = local;
    if (!parsed.policy) {
      r.failure = "sts-policy-invalid";
      r.detail = parsed.error;
      return r;
    }
    r.policy = std::move(parsed.policy);
    return r;
  }
}

}  // namespace stslab::sender
