// stslab fake DNS: the resolver the sending MTA uses (its resolv.conf points here). It answers
// recursive-style queries with RA and AA set, over UDP and TCP on the same port, from a Zone
// that the harness changes while the server runs.
//
// Public API (namespace stslab::dns):
//   Zone (zone.hpp)        records in zone-file syntax: add / remove / replace / clear_below /
//                          list / add_domain; per-name faults: set_fault / clear_fault
//                          (servfail, refused, nxdomain, timeout, truncate; fault.hpp).
//   DnsServer (here)       DnsServer(io, journal, zone, ServerOptions{endpoints, tcp idle
//                          timeout, limits}); start() -> bound endpoints; stop().
//   respond() (responder.hpp)  the message-level logic, usable without sockets.
// Events: dns.query, dns.bad_query, dns.error (docs/events/fake-dns.md).
//
//   stslab::dns::Zone zone;
//   zone.add({"_mta-sts.a.test. TXT \"v=STSv1; id=1\"", "a.test. MX 10 mx1.a.test."});
//   stslab::dns::DnsServer server(io, journal, zone, {.endpoints = {{addr, 0}}});
//   auto bound = server.start();  // bound[0].port is the ephemeral port
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stslab/core/journal.hpp"
#include "stslab/dns/responder.hpp"
#include "stslab/dns/zone.hpp"

namespace stslab::dns {

struct Endpoint {
  boost::asio::ip::address address;
  std::uint16_t port = 0;         // 0: pick a free port (the same one for UDP and TCP)
  std::string to_string() const;  // "127.0.0.53:5353"
};

struct ServerOptions {
  std::vector<Endpoint> endpoints;  // loopback only; each gets a UDP socket and a TCP listener
  // A TCP client must deliver each whole frame within this time, or the session ends (and a
  // half-sent frame is journaled as dns.bad_query). Also bounds each reply write.
  std::chrono::milliseconds tcp_idle_timeout{10000};
  ResponderLimits limits;
};

class DnsServer {
 public:
  // `journal` and `zone` must outlive every coroutine the server runs on `io`.
  DnsServer(boost::asio::io_context& io, core::Journal& journal, Zone& zone, ServerOptions options);
  ~DnsServer();  // stop()
  DnsServer(const DnsServer&) = delete;
  DnsServer& operator=(const DnsServer&) = delete;

  // Binds every endpoint (UDP and TCP) and starts serving. Throws boost::system::system_error if a
  // bind fails and std::invalid_argument for a non-loopback address, a second start() or a start()
  // after stop().
  std::vector<Endpoint> start();

  // Closes the sockets and listeners and shuts the receive side of open TCP sessions, so a
  // reply being written still goes out and each session then ends. Does not block;
  // idempotent; safe from any thread.
  void stop();

  std::vector<Endpoint> endpoints() const;
  std::size_t open_tcp_sessions() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace stslab::dns
