// One acceptor per listen endpoint; each accepted connection becomes a Session on its own strand.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "stslab/https/server.hpp"

namespace stslab::https {

// Binds `endpoint`, starts accepting, and registers the acceptor with the state (so stop()
// closes it). Returns the bound endpoint.
boost::asio::ip::tcp::endpoint open_listener(const std::shared_ptr<HttpsServer::State>& state,
                                             const boost::asio::ip::tcp::endpoint& endpoint);

// Closes every listener (on its own strand) and refuses new ones.
void close_listeners(HttpsServer::State& state);

}  // namespace stslab::https
