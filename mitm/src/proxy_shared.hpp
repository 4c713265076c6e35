// What a Proxy shares with its acceptors and sessions. Held by shared_ptr so that sessions still
// running after the Proxy object is gone (stop() does not block) stay valid.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "stslab/core/session_set.hpp"
#include "stslab/mitm/proxy.hpp"

namespace stslab::mitm {

namespace detail {
class Session;
}

struct Proxy::Shared {
  Shared(boost::asio::io_context& io_, core::Journal& journal_, core::LabPki& pki_,
         Options options_)
      : io(io_), journal(journal_), pki(pki_), options(std::move(options_)) {}

  boost::asio::io_context& io;
  core::Journal& journal;
  core::LabPki& pki;
  const Options options;  // name and limits; attack and upstream live below
  // The proxy's client side towards the MX: it never verifies (it is the attacker).
  std::shared_ptr<boost::asio::ssl::context> upstream_tls;

  mutable std::mutex mutex;
  std::shared_ptr<const Attack> attack;
  boost::asio::ip::tcp::endpoint upstream;
  bool started = false;
  bool stopping = false;
  std::vector<std::shared_ptr<boost::asio::ip::tcp::acceptor>> acceptors;
  std::vector<boost::asio::ip::tcp::endpoint> bound;
  core::SessionSet<detail::Session> sessions;  // its own lock
  std::uint64_t next_session = 1;
};

}  // namespace stslab::mitm
