// The TCP side of one endpoint: accepts connections and gives each a TcpSession on its own
// strand, so thousands of sessions run independently.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "server_context.hpp"
#include "session_registry.hpp"
#include "stslab/core/asio_awaitable.hpp"

namespace stslab::dns::detail {

class TcpListener : public std::enable_shared_from_this<TcpListener> {
 public:
  // Opens, binds and listens; throws boost::system::system_error.
  TcpListener(boost::asio::io_context& io, std::shared_ptr<const ServerContext> context,
              std::shared_ptr<SessionRegistry> registry,
              const boost::asio::ip::tcp::endpoint& endpoint);

  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
  void start();
  void close();  // posted to the acceptor's strand

 private:
  static boost::asio::awaitable<void> accept_loop(std::shared_ptr<TcpListener> self);

  boost::asio::io_context& io_;
  std::shared_ptr<const ServerContext> context_;
  std::shared_ptr<SessionRegistry> registry_;
  boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace stslab::dns::detail
