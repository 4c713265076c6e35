// The fake MTA-STS policy host: HTTPS on Asio + Beast + OpenSSL, many virtual hosts behind one
// listener per endpoint, scripted answers, and a POST sink for TLS-RPT reports.
//
//   core::LabClock clock; core::Journal journal{clock}; core::LabPki pki{clock};
//   https::HttpsServer server(io, journal, pki, {.endpoints = {{addr("127.0.0.5"), 0}}});
//   server.set_vhost({.name = "mta-sts.a.test", .addresses = {addr("127.0.0.5")},
//                     .routes = {{"/.well-known/mta-sts.txt", https::Response::text(policy)}}});
//   auto bound = server.start();            // the endpoints actually bound (port 0 -> ephemeral)
//   server.set_route("mta-sts.a.test", "/.well-known/mta-sts.txt",
//   https::Response::with_status(500)); server.stop();                          // closes listeners
//   and every live connection
//
// Certificate choice per connection: the vhost named by SNI; without SNI, the vhost owning the
// local address; otherwise (or for an unknown SNI) the fallback certificate. Routes per request:
// the vhost named by the Host header, else the SNI vhost, else the local-address vhost.
// Every setter is thread-safe and takes effect for the next handshake / request.
// Journal events (Source::https): https.tls, https.request, https.post, https.error; see
// docs/events/fake-https.md.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stslab/core/clock.hpp"
#include "stslab/core/journal.hpp"
#include "stslab/core/pki.hpp"
#include "stslab/core/tls.hpp"
#include "stslab/https/response.hpp"
#include "stslab/https/vhost.hpp"

namespace stslab::https {

struct Options {
  std::vector<boost::asio::ip::tcp::endpoint> endpoints;  // port 0 = ephemeral
  bool allow_non_loopback = false;  // refuse to listen outside 127.0.0.0/8 and ::1 unless set

  // The certificate shown when neither SNI nor the local address names a vhost.
  std::string fallback_host = "fallback.invalid";
  CertSpec fallback_certificate;
  core::TlsVersionBounds fallback_tls;

  std::chrono::milliseconds handshake_timeout{10'000};
  // From the end of the previous response (or the handshake) to a complete request header:
  // bounds keep-alive idling and slowloris clients alike.
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};   // reading a request body
  std::chrono::milliseconds write_timeout{30'000};  // each write of a response
  std::size_t max_header_bytes = 16 * 1024;         // larger request headers get 431
  std::size_t max_request_body_bytes = 64 * 1024;   // bodies on non-sink paths; larger get 413
};

// A POST body kept by a sink, with what came with it.
struct StoredPost {
  std::uint64_t id = 0;  // 1, 2, 3 ... in arrival order
  std::string vhost;     // the vhost whose sink took it
  std::string host_header;
  std::string path;
  std::string target;  // the request target as sent (path + query)
  std::vector<std::pair<std::string, std::string>> headers;
  std::string content_type;
  std::string content_encoding;
  std::string body;
  std::string peer;               // "127.0.0.1:40000"
  std::uint64_t journal_seq = 0;  // its https.post event (which carries the lab time)
};

class HttpsServer {
 public:
  HttpsServer(boost::asio::io_context& io, core::Journal& journal, core::LabPki& pki,
              Options options);
  // Stops, then waits (bounded) for live sessions to end unless called on a thread that runs
  // the io_context.
  ~HttpsServer();
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  // Opens one listener per configured endpoint; returns the bound endpoints in the same order.
  // Throws std::system_error if an endpoint cannot be bound, std::invalid_argument for a
  // non-loopback endpoint (unless allowed).
  std::vector<boost::asio::ip::tcp::endpoint> start();
  // Adds a listener while running (a lab host that appears later). Returns the bound endpoint.
  boost::asio::ip::tcp::endpoint listen(const boost::asio::ip::tcp::endpoint& endpoint);
  // Closes the listeners and every live connection; returns at once. In-flight sessions end as
  // their pending operations fail (each still journals what it saw).
  void stop();
  // Blocks until no session is live or the deadline passes. True if idle.
  bool wait_idle(std::chrono::steady_clock::time_point deadline) const;
  std::size_t live_sessions() const;
  std::vector<boost::asio::ip::tcp::endpoint> endpoints() const;

  // Virtual hosts. set_vhost adds or replaces (matched by name, case-insensitively) and mints its
  // certificate. Throws std::invalid_argument for an empty name, a status outside 100..999, or an
  // address another vhost owns. The per-field setters throw std::out_of_range for an unknown
  // vhost; the removers return false when there was nothing to remove.
  void set_vhost(VirtualHost vhost);
  bool remove_vhost(std::string_view name);
  // Removes the vhosts named in `remove` and adds or replaces those in `put` as one change (a
  // world change: the policy host and the report receivers of a domain switch together). Every
  // certificate is minted first; a session looking them up sees all of the change or none of
  // it. Throws like set_vhost, changing nothing.
  void replace_vhosts(const std::vector<std::string>& remove, std::vector<VirtualHost> put);
  void set_route(std::string_view vhost, std::string path, Response response);
  bool remove_route(std::string_view vhost, std::string_view path);
  void set_post_sink(std::string_view vhost, std::string path, PostSink sink);
  bool remove_post_sink(std::string_view vhost, std::string_view path);
  void set_certificate(std::string_view vhost, CertSpec certificate);
  void set_tls_bounds(std::string_view vhost, core::TlsVersionBounds bounds);
  void set_handshake_alert(std::string_view vhost, std::optional<std::uint8_t> alert);
  std::optional<VirtualHost> find_vhost(std::string_view name) const;
  std::vector<std::string> vhost_names() const;
  // The certificate a vhost presents (or the fallback's), e.g. for tests comparing what a client
  // received.
  core::Credential credential(std::string_view vhost) const;
  const core::Credential& fallback_credential() const;

  // What the POST sinks kept, oldest first; an empty `vhost` means every vhost.
  std::vector<StoredPost> posts(std::string_view vhost = {}) const;
  void clear_posts();

  struct State;  // shared with the sessions, which may outlive a stop()

 private:
  std::shared_ptr<State> state_;
};

}  // namespace stslab::https
