#include "session.hpp"

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "server_state.hpp"
#include "stslab/core/events/https.hpp"
#include "stslab/core/names.hpp"
#include "stslab/core/tls.hpp"
#include "stslab/https/names.hpp"
#include "stslab/https/routing.hpp"

namespace stslab::https {
namespace {

namespace http = beast::http;
using nlohmann::json;

std::string endpoint_string(const net::ip::tcp::endpoint& e) {
  const auto a = e.address();
  return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(e.port());
}

template <class Event, class Facts>
Event with_connection(Event event, const Facts& facts) {
  event.local = facts.local;
  event.peer = facts.peer;
  event.sni = facts.sni;
  return event;
}

std::optional<std::string> none_if_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

// Errors meaning "the request was not HTTP": they get a 400 before we hang up.
bool is_parse_error(const boost::system::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message &&
         ec != http::error::header_limit && ec != http::error::body_limit;
}

bool closed_by_peer(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::ssl::error::stream_truncated || ec == net::error::connection_reset;
}

json header_object(const http::fields& fields) {
  json out = json::object();
  for (const auto& f : fields) {
    const std::string name = core::ascii_lower(printable(f.name_string()));
    const std::string value = printable(f.value());
    if (out.contains(name)) {
      out[name] = out[name].get<std::string>() + ", " + value;
    } else {
      out[name] = value;
    }
  }
  return out;
}

Response error_response(unsigned status, std::string body) {
  auto r = Response::with_status(status, std::move(body));
  r.close_connection = true;
  return r;
}

}  // namespace

Session::Session(std::shared_ptr<HttpsServer::State> state, net::ip::tcp::socket socket)
    : state_(std::move(state)),
      stream_(beast::tcp_stream(std::move(socket)), *state_->base_context),
      pacer_(stream_.get_executor()) {
  boost::system::error_code ec;
  local_ = beast::get_lowest_layer(stream_).socket().local_endpoint(ec);
  peer_ = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
  selection_.local_address = local_.address();
  CertSelector::attach(stream_.native_handle(), &selection_);
}

Session::~Session() {
  if (id_ != 0) state_->sessions.remove(id_);
}

net::awaitable<void> Session::run(std::shared_ptr<Session> self) {
  try {
    co_await self->serve();
  } catch (const std::exception& e) {
    // A bug or resource exhaustion in one session must not take the server down.
    self->journal_error("internal", e.what(), std::nullopt);
  }
}

void Session::close() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->closing_ = true;
    self->pacer_.stop();
    beast::get_lowest_layer(self->stream_).close();
  });
}

net::awaitable<void> Session::serve() {
  if (!co_await handshake()) {
    beast::get_lowest_layer(stream_).close();
    co_return;
  }
  beast::flat_buffer buffer;
  Next next = Next::another_request;
  while (next == Next::another_request && !closing_)
    next = co_await serve_request(buffer);
  if (next == Next::close_gracefully && !closing_) co_await shutdown_tls();
  beast::get_lowest_layer(stream_).close();
}

net::awaitable<bool> Session::handshake() {
  auto& tcp = beast::get_lowest_layer(stream_);
  boost::system::error_code ec;
  tcp.expires_after(state_->options.handshake_timeout);
  co_await stream_.async_handshake(net::ssl::stream_base::server,
                                   net::redirect_error(net::use_awaitable, ec));
  tcp.expires_never();

  auto event = with_connection(core::events::HttpsTls{}, connection_facts());
  const bool chose = selection_.client_hello_seen;
  event.ok = !ec;
  event.vhost = none_if_empty(selection_.vhost);
  if (chose) {
    event.selected_by = selection_.selected_by;
    event.cert_host = selection_.cert_host;
    event.cert_profile = std::string(core::to_string(selection_.cert_profile));
  }
  event.unknown_sni = chose && selection_.sni && selection_.selected_by == "fallback";
  if (selection_.alert_sent) event.alert_sent = SSL_alert_desc_string_long(*selection_.alert_sent);
  if (!ec) {
    const json facts = core::session_facts(stream_.native_handle());
    event.version = core::events::text_or_none(facts["version"]);
    event.cipher = core::events::text_or_none(facts["cipher"]);
  } else {
    event.error = closing_                      ? "server stopping"
                  : ec == beast::error::timeout ? "handshake timeout"
                                                : core::describe_tls_error(ec);
    event.alert = none_if_empty(core::received_alert(ec));
  }
  core::events::append(state_->journal, event,
                       selection_.sni ? printable(*selection_.sni) : std::string(),
                       selection_.vhost);
  co_return !ec;
}

net::awaitable<Session::Next> Session::serve_request(beast::flat_buffer& buffer) {
  const Options& opts = state_->options;
  auto& tcp = beast::get_lowest_layer(stream_);
  boost::system::error_code ec;

  http::request_parser<http::string_body> parser;
  parser.header_limit(
      static_cast<std::uint32_t>(std::min<std::size_t>(opts.max_header_bytes, UINT32_MAX)));
  parser.body_limit(opts.max_request_body_bytes);
  tcp.expires_after(opts.header_timeout);
  co_await http::async_read_header(stream_, buffer, parser,
                                   net::redirect_error(net::use_awaitable, ec));
  tcp.expires_never();
  if (ec) co_return co_await on_read_error(ec, parser.got_some(), "header");
  const Request& req = parser.get();

  // Routes come from the vhost the Host header names, else the SNI's, else the address's.
  const std::string raw_host(req[http::field::host]);
  const std::string host = normalize_host(raw_host);
  VhostSnapshot vhost;
  const char* routed_by = nullptr;
  if (!host.empty() && (vhost = state_->vhosts.find(host))) {
    routed_by = "host";
  } else if (selection_.sni && (vhost = state_->vhosts.find(*selection_.sni))) {
    routed_by = "sni";
  } else if ((vhost = state_->vhosts.find_by_address(local_.address()))) {
    routed_by = "local_address";
  }
  const RouteDecision decision =
      decide_route(vhost ? &vhost->config : nullptr, req.method_string(), req.target());
  const std::string vhost_name = vhost ? vhost->config.name : std::string();

  // The body: bounded by the sink's cap (or the general one); announced oversize is refused
  // without reading it.
  const std::size_t limit =
      decision.sink ? decision.sink->max_body_bytes : opts.max_request_body_bytes;
  parser.body_limit(limit);
  bool too_large = parser.content_length() && *parser.content_length() > limit;
  if (!too_large && !parser.is_done()) {
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      http::response<http::empty_body> go_on{http::status::continue_, 11};
      tcp.expires_after(opts.write_timeout);
      co_await http::async_write(stream_, go_on, net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return co_await on_read_error(ec, true, "body");
    }
    tcp.expires_after(opts.body_timeout);
    co_await http::async_read(stream_, buffer, parser, net::redirect_error(net::use_awaitable, ec));
    tcp.expires_never();
    if (ec == http::error::body_limit) {
      too_large = true;
    } else if (ec) {
      co_return co_await on_read_error(ec, true, "body");
    }
  }

  Response fixed;  // answers that are not scripted
  const Response* answer = &fixed;
  std::string outcome(to_string(decision.outcome));
  if (too_large) {
    fixed = error_response(413, "request body too large\n");
    outcome = "body_too_large";
  } else {
    switch (decision.outcome) {
      case RouteOutcome::scripted:
        answer = decision.response;
        break;
      case RouteOutcome::post_sink:
        answer = &decision.sink->reply;
        break;
      case RouteOutcome::method_not_allowed:
        fixed = Response::with_status(405, "method not allowed\n");
        fixed.headers.emplace_back("Allow", decision.allow);
        break;
      case RouteOutcome::not_found:
      case RouteOutcome::no_vhost:
        fixed = Response::with_status(404, "not found\n");
        break;
    }
  }
  if (!too_large && decision.outcome == RouteOutcome::post_sink) {
    store_post(req, raw_host, vhost_name, answer->status);
  }

  WriteParams params;
  params.keep_alive = req.keep_alive() && !answer->close_connection;
  params.head_request = req.method() == http::verb::head;
  params.write_timeout = opts.write_timeout;
  const WriteOutcome written = co_await write_response(stream_, pacer_, *answer, params);
  ++requests_served_;
  journal_request(req, raw_host, vhost_name, routed_by, outcome, req.body().size(), answer->status,
                  written);

  if (!written.completed) co_return written.cut_short ? Next::close_gracefully : Next::drop;
  co_return params.keep_alive ? Next::another_request : Next::close_gracefully;
}

net::awaitable<Session::Next> Session::on_read_error(const boost::system::error_code& ec,
                                                     bool got_some, const char* stage) {
  if (closing_) {
    if (got_some) journal_error(stage, "server stopping", std::nullopt);
    co_return Next::drop;
  }
  // A client that hangs up between requests, or lets a kept-alive connection idle out, is done.
  if (!got_some && closed_by_peer(ec)) co_return Next::drop;
  if (!got_some && ec == beast::error::timeout && requests_served_ > 0) co_return Next::drop;

  std::optional<Response> reply;
  if (ec == http::error::header_limit) {
    reply = error_response(431, "request header too large\n");
  } else if (is_parse_error(ec)) {
    reply = error_response(400, "bad request\n");
  }
  std::optional<unsigned> status_sent;
  if (reply) {
    WriteParams params;
    params.keep_alive = false;
    params.write_timeout = state_->options.write_timeout;
    const WriteOutcome w = co_await write_response(stream_, pacer_, *reply, params);
    if (w.header_sent) status_sent = reply->status;
  }
  std::string error;
  if (ec == beast::error::timeout) {
    error = got_some ? std::string(stage) + " timeout" : "idle timeout before the first request";
  } else if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
    error = ec.message();
  } else {
    error = core::describe_tls_error(ec);
  }
  journal_error(stage, error, status_sent);
  co_return status_sent ? Next::close_gracefully : Next::drop;
}

net::awaitable<void> Session::shutdown_tls() {
  // close_notify, then wait (briefly) for the client's; many clients just close instead.
  auto& tcp = beast::get_lowest_layer(stream_);
  boost::system::error_code ec;
  tcp.expires_after(
      std::min<std::chrono::milliseconds>(state_->options.write_timeout, std::chrono::seconds(5)));
  co_await stream_.async_shutdown(net::redirect_error(net::use_awaitable, ec));
  tcp.expires_never();
}

Session::ConnectionFacts Session::connection_facts() const {
  return {endpoint_string(local_), endpoint_string(peer_),
          selection_.sni ? std::optional<std::string>(printable(*selection_.sni)) : std::nullopt};
}

std::string Session::journal_domain(const std::string& raw_host) const {
  const std::string host = normalize_host(raw_host);
  if (!host.empty()) return printable(host);
  return selection_.sni ? printable(*selection_.sni) : std::string();
}

void Session::journal_request(const Request& req, const std::string& raw_host,
                              const std::string& vhost, const char* routed_by,
                              std::string_view outcome, std::size_t request_body_bytes,
                              unsigned status, const WriteOutcome& w) {
  auto event = with_connection(core::events::HttpsRequest{}, connection_facts());
  event.method = printable(req.method_string());
  event.target = printable(req.target());
  if (req.find(http::field::host) != req.end()) event.host_header = printable(raw_host);
  event.headers = header_object(req);
  event.vhost = none_if_empty(vhost);
  if (routed_by) event.routed_by = routed_by;
  event.outcome = outcome;
  event.scripted = outcome == "scripted" || outcome == "post_sink";
  event.request_body_bytes = request_body_bytes;
  event.status = status;
  event.body_bytes_sent = w.body_bytes_sent;
  event.completed = w.completed;
  event.cut_short = w.cut_short;
  event.error = none_if_empty(w.error);
  core::events::append(state_->journal, event, journal_domain(raw_host), vhost);
}

void Session::journal_error(const char* stage, const std::string& error,
                            std::optional<unsigned> status_sent) {
  auto event = with_connection(core::events::HttpsError{}, connection_facts());
  event.stage = stage;
  event.error = error;
  event.status_sent = status_sent;
  event.requests_served = requests_served_;
  core::events::append(state_->journal, event,
                       selection_.sni ? printable(*selection_.sni) : std::string(),
                       selection_.vhost);
}

std::uint64_t Session::store_post(const Request& req, const std::string& raw_host,
                                  const std::string& vhost, unsigned status) {
  StoredPost post;
  post.id = state_->posts.next_id();
  post.vhost = vhost;
  post.host_header = raw_host;
  post.target = std::string(req.target());
  post.path = std::string(target_path(req.target()));
  for (const auto& f : req)
    post.headers.emplace_back(f.name_string(), f.value());
  post.content_type = std::string(req[http::field::content_type]);
  post.content_encoding = std::string(req[http::field::content_encoding]);
  post.body = req.body();
  post.peer = endpoint_string(peer_);

  auto event = with_connection(core::events::HttpsPost{}, connection_facts());
  event.id = post.id;
  event.path = printable(post.path);
  event.target = printable(post.target);
  event.content_type = printable(post.content_type);
  event.content_encoding = printable(post.content_encoding);
  event.body_bytes = post.body.size();
  event.headers = header_object(req);
  event.status = status;
  // Stored before it is journaled: whoever wakes on the event finds the body already there.
  const std::uint64_t id = post.id;
  state_->posts.add(std::move(post));
  const std::uint64_t seq =
      core::events::append(state_->journal, event, journal_domain(raw_host), vhost);
  state_->posts.set_journal_seq(id, seq);
  return id;
}

}  // namespace stslab::https
