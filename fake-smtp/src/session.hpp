// One SMTP connection: a coroutine that reads bytes, feeds them to SmtpProtocol, writes the
// replies, upgrades the same socket to TLS on STARTTLS and journals everything it sees.
#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "server_impl.hpp"
#include "stslab/core/asio_awaitable.hpp"
#include "stslab/core/events/smtp.hpp"
#include "stslab/smtp/protocol.hpp"

namespace stslab::smtp::detail {

class Session : public std::enable_shared_from_this<Session> {
 public:
  static void launch(std::shared_ptr<SmtpServer::Impl> server, boost::asio::ip::tcp::socket socket,
                     VhostSnapshot vhost);

  Session(std::shared_ptr<SmtpServer::Impl> server, boost::asio::ip::tcp::socket socket,
          VhostSnapshot vhost, std::uint64_t id);

  // Asks the session to end with 421 (server stop). Thread-safe.
  void shutdown();

 private:
  enum class How {
    quit,
    client_closed,
    timeout,
    too_many_errors,
    refused,
    error,
    server_stop,
    tls_failed
  };

  boost::asio::awaitable<void> run();
  // Handles the protocol's outputs in order; false when the session must end.
  boost::asio::awaitable<bool> process(Outputs outputs);
  boost::asio::awaitable<bool> flush();
  boost::asio::awaitable<bool> start_tls(std::size_t discarded);
  boost::asio::awaitable<std::size_t> read_some(boost::system::error_code& ec);

  // Runs one I/O operation on the stream the session speaks now: TLS after STARTTLS, the plain
  // socket before. `op` is generic over the stream type, so reading and writing are written once.
  template <class Op>
  auto on_stream(Op&& op) {
    return tls_ ? op(*tls_) : op(socket_);
  }

  // A deadline for the next I/O operation: when it passes, the socket's operations are
  // cancelled and `deadline_passed_` is set.
  void arm(std::chrono::milliseconds after);
  void disarm();

  // Journals one event of this session (its id, vhost and recipient domain filled in).
  template <class Event>
  std::uint64_t journal(Event event) {
    event.session = id_;
    return core::events::append(server_->journal, event, journal_domain(), vhost_.config->name);
  }
  std::string journal_domain() const;
  void close_with(How how, std::string error = "");
  static std::string_view to_string(How how);

  std::shared_ptr<SmtpServer::Impl> server_;
  boost::asio::ip::tcp::socket socket_;
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
  boost::asio::steady_timer timer_;
  std::uint64_t timer_generation_ = 0;
  bool deadline_passed_ = false;
  bool stopping_ = false;

  VhostSnapshot vhost_;
  std::uint64_t id_;
  SmtpProtocol protocol_;
  std::string peer_;
  std::string local_;
  boost::asio::ip::tcp::endpoint peer_endpoint_;
  boost::asio::ip::tcp::endpoint local_endpoint_;
  std::string pending_;  // replies not yet written
  std::array<char, 16384> buffer_{};

  bool starttls_used_ = false;
  nlohmann::json tls_facts_ = nullptr;  // session_facts() once TLS is up
  State last_state_ = State::connected;
  std::optional<How> how_;
  std::string error_;
};

}  // namespace stslab::smtp::detail
