// The UDP side of one endpoint: one coroutine that receives, answers and sends, in order.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <memory>
#include <string>

#include "server_context.hpp"
#include "stslab/core/asio_awaitable.hpp"

namespace stslab::dns::detail {

class UdpListener : public std::enable_shared_from_this<UdpListener> {
 public:
  // Opens and binds the socket; throws boost::system::system_error.
  UdpListener(boost::asio::io_context& io, std::shared_ptr<const ServerContext> context,
              const boost::asio::ip::udp::endpoint& endpoint);

  boost::asio::ip::udp::endpoint local_endpoint() const { return socket_.local_endpoint(); }
  void start();
  void close();  // posted to the socket's strand

 private:
  static boost::asio::awaitable<void> serve(std::shared_ptr<UdpListener> self);

  std::shared_ptr<const ServerContext> context_;
  boost::asio::ip::udp::socket socket_;
  std::string host_;
  std::string server_;
};

}  // namespace stslab::dns::detail
