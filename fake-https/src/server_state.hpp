// Everything a server's sessions share. Held by shared_ptr from the server object, each listener
// and each session, so a session still unwinding after stop() or ~HttpsServer finds it intact.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <mutex>
#include <vector>

#include "cert_selector.hpp"
#include "post_store.hpp"
#include "stslab/core/session_set.hpp"
#include "stslab/https/server.hpp"
#include "vhost_registry.hpp"

namespace stslab::https {

class Session;

struct HttpsServer::State {
  State(boost::asio::io_context& io_context, core::Journal& journal_ref, core::LabPki& pki_ref,
        Options opts);

  boost::asio::io_context& io;
  core::Journal& journal;
  core::LabPki& pki;
  const Options options;

  VhostRegistry vhosts;
  CertSelector selector;  // reads `vhosts`; declared after it
  // The fallback certificate's context; every connection starts on it and the selector switches
  // to the chosen vhost's context during the ClientHello.
  std::shared_ptr<boost::asio::ssl::context> base_context;
  PostStore posts;
  core::SessionSet<Session> sessions;

  std::mutex listeners_mutex;
  std::vector<std::shared_ptr<boost::asio::ip::tcp::acceptor>> listeners;
  std::vector<boost::asio::ip::tcp::endpoint> bound;
  bool stopped = false;
};

}  // namespace stslab::https
