// One listening socket of one vhost: accepts connections and starts a session for each, each
// on its own strand.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <memory>
#include <string>

#include "stslab/core/asio_awaitable.hpp"
#include "stslab/smtp/server.hpp"

namespace stslab::smtp::detail {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Binds and listens at once (throws std::system_error); accepting starts with start().
  Listener(std::shared_ptr<SmtpServer::Impl> server, std::string vhost,
           const boost::asio::ip::tcp::endpoint& endpoint);
  void start();
  void stop();  // thread-safe
  boost::asio::ip::tcp::endpoint endpoint() const { return endpoint_; }

 private:
  boost::asio::awaitable<void> accept_loop();

  std::shared_ptr<SmtpServer::Impl> server_;
  std::string vhost_;  // "" = the default vhost
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ip::tcp::endpoint endpoint_;
};

}  // namespace stslab::smtp::detail
