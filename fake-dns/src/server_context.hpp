// What every listener and session of one DnsServer shares (internal to fake-dns).
#pragma once

#include <boost/asio/ip/address.hpp>
#include <string>

#include "stslab/core/journal.hpp"
#include "stslab/dns/responder.hpp"
#include "stslab/dns/server.hpp"
#include "stslab/dns/zone.hpp"

namespace stslab::dns::detail {

struct ServerContext {
  core::Journal& journal;
  const Zone& zone;
  ServerOptions options;

  // `host` is the listen address: the journal's host field for everything this server saw.
  void record(const Exchange& ex, const std::string& host) const {
    journal.append(core::Source::dns, ex.kind, ex.domain, host, ex.data);
  }
};

// "127.0.0.1:53", "[::1]:53".
std::string endpoint_string(const boost::asio::ip::address& address, unsigned short port);

}  // namespace stslab::dns::detail
