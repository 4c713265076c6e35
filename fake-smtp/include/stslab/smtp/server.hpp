// stslab::smtp — fake receiving MX servers (ESMTP + STARTTLS), one server with many vhosts.
//
// Public API
//   vhost.hpp    Vhost {name, listen, banner_text, caps, cert, tls, replies, limits}: an MX as
//   data. protocol.hpp SmtpProtocol: the dialogue as a socket-free state machine (bytes in, replies
//   out). message.hpp  StoredMessage: an accepted message with envelope, data, TLS facts.
//   server.hpp   SmtpServer: listens for every vhost, runs one coroutine session per connection,
//                journals everything (Source::smtp, kinds "smtp.*", see docs/events/fake-smtp.md)
//                and keeps accepted messages in memory.
//
//   SmtpServer::Options opt;
//   opt.vhosts.push_back({.name = "mx1.a.test", .listen = {{make_address("127.0.0.11"), 0}}});
//   SmtpServer server(io, journal, pki, opt);
//   auto eps = server.start();                       // bound endpoints, all vhosts
//   server.endpoints("mx1.a.test");                  // one vhost's bound endpoints
//   server.add_reply("mx1.a.test", {Stage::rcpt, 451, "4.7.1 try later"});  // any thread
//   server.update_vhost("mx1.a.test", [](Vhost& v) { v.caps.starttls = false; });
//   server.messages();                               // accepted so far
//   server.stop();                                   // 421 to open sessions, close listeners
//
// A connection gets the vhost that owns the local endpoint it arrived on (senders often send no
// SNI), else the default vhost. A session works on a snapshot of its vhost taken when it opens:
// changes apply to the next connections. The certificate after STARTTLS is the vhost's whatever
// the SNI; it is minted once per vhost configuration (and again when the lab clock moves, if
// Options::clock is set).
//
// Threading: the io_context may run on many threads; each session and listener runs on its own
// strand. All public calls are thread-safe. The Journal (and the clock) must outlive every
// session: keep them alive until the io_context has stopped running.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stslab/core/clock.hpp"
#include "stslab/core/journal.hpp"
#include "stslab/core/pki.hpp"
#include "stslab/smtp/message.hpp"
#include "stslab/smtp/protocol.hpp"
#include "stslab/smtp/vhost.hpp"

namespace stslab::smtp {

class SmtpServer {
 public:
  struct Options {
    std::vector<Vhost> vhosts;
    // For connections on an endpoint no vhost owns (its own `listen` endpoints, if any, are
    // opened too).
    Vhost default_vhost;
    // If set, certificates are minted again when the lab clock's offset changed since minting,
    // so "valid" stays valid after the harness moves the clock.
    const core::LabClock* clock = nullptr;
    // Deadline for writing a reply and for the TLS handshake.
    std::chrono::milliseconds io_timeout = std::chrono::seconds(30);
  };

  SmtpServer(boost::asio::io_context& io, core::Journal& journal, core::LabPki& pki,
             Options options);
  ~SmtpServer();  // stop()
  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  // Opens a listener on every vhost's (and the default vhost's) endpoints. Returns all bound
  // endpoints. Throws std::system_error if one cannot be bound (nothing is left open then).
  std::vector<boost::asio::ip::tcp::endpoint> start();
  // Closes the listeners and tells every open session to end (421 4.3.2, then close). Returns
  // at once; sessions finish on the io_context. Safe to call twice.
  void stop();

  std::vector<boost::asio::ip::tcp::endpoint> endpoints() const;
  // The bound endpoints of vhost `name` (the default vhost's under its own name).
  std::vector<boost::asio::ip::tcp::endpoint> endpoints(std::string_view name) const;

  // Run-time changes (toxiproxy style). They apply to connections opened afterwards.
  // Adds a vhost; opens its listeners if the server is running. Returns its bound endpoints.
  // Throws std::invalid_argument if the name is taken.
  std::vector<boost::asio::ip::tcp::endpoint> add_vhost(Vhost vhost);
  // Closes its listeners; its open sessions run on with their snapshot.
  void remove_vhost(std::string_view name);
  // Changes everything but `name` and `listen` (changes to those are ignored). Throws
  // std::invalid_argument for an unknown name.
  void update_vhost(std::string_view name, const std::function<void(Vhost&)>& change);
  Vhost vhost(std::string_view name) const;
  std::vector<std::string> vhost_names() const;  // without the default vhost
  // Shorthands for update_vhost.
  void add_reply(std::string_view name, StageReply reply);
  void clear_replies(std::string_view name);
  void set_capabilities(std::string_view name, Capabilities caps);
  void set_cert(std::string_view name, CertSpec cert);
  void set_tls_bounds(std::string_view name, core::TlsVersionBounds bounds);
  void set_limits(std::string_view name, Limits limits);

  // Accepted messages, oldest first.
  std::vector<StoredMessage> messages() const;
  std::optional<StoredMessage> message(std::uint64_t id) const;
  // Messages with a recipient at or below `domain` (core::name_is_at_or_below).
  std::vector<StoredMessage> messages_for(std::string_view domain) const;
  void clear_messages();

  // Sessions open right now.
  std::size_t active_sessions() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace stslab::smtp
