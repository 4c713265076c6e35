// One TCP connection: read a length-prefixed query, answer it, repeat. Pipelined queries are
// answered in order. Each frame must arrive whole within the idle timeout.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <memory>
#include <string>

#include "server_context.hpp"
#include "session_registry.hpp"
#include "stslab/core/asio_awaitable.hpp"

namespace stslab::dns::detail {

class TcpSession : public std::enable_shared_from_this<TcpSession> {
 public:
  TcpSession(boost::asio::ip::tcp::socket socket, std::shared_ptr<const ServerContext> context,
             std::shared_ptr<SessionRegistry> registry);

  void start();
  // Ends the session gently: shuts the receive side, so a reply being written still goes out
  // and the next read sees end of stream. Posted to the session's strand.
  void shutdown_receive();

 private:
  static boost::asio::awaitable<void> run(std::shared_ptr<TcpSession> self);
  boost::asio::awaitable<void> serve_frames();
  void report_cut_frame(const boost::system::error_code& ec, std::size_t got, std::size_t expected);

  std::shared_ptr<const ServerContext> context_;
  std::shared_ptr<SessionRegistry> registry_;
  boost::beast::tcp_stream stream_;
  std::string host_;
  std::string server_;
  std::string client_;
};

}  // namespace stslab::dns::detail
