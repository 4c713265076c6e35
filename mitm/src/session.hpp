// One proxied SMTP connection: client MTA <-> proxy <-> upstream MX. The conversation runs in
// lock step (read a command, let the attack decide, relay, read the reply, let the attack
// rewrite it, answer), which keeps the attack hooks simple and still works with pipelining
// clients. After a real STARTTLS between client and MX the bytes are relayed opaquely both ways.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "link.hpp"
#include "proxy_shared.hpp"
#include "stslab/core/asio_awaitable.hpp"
#include "stslab/core/events/mitm.hpp"
#include "stslab/mitm/tls_sniffer.hpp"

namespace stslab::mitm::detail {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<Proxy::Shared> shared, std::uint64_t id, tcp::socket client,
          std::shared_ptr<const Attack> attack, tcp::endpoint upstream);

  // Runs the session to its end and journals mitm.session.close. Spawn on the socket's strand.
  asio::awaitable<void> run();
  // Thread-safe: closes both connections on the session's strand.
  void stop();
  asio::any_io_executor executor() { return client_.socket().get_executor(); }

 private:
  asio::awaitable<void> converse();
  asio::awaitable<bool> exchange();  // one client command and its answer; false = session over
  asio::awaitable<bool> relay(const Command& command);
  asio::awaitable<bool> connect_upstream();
  // While waiting for the client, keep a read pending on the upstream so that an MX that hangs
  // up (or says 421 and goes) is passed on at once rather than at the client's next command.
  void watch_upstream();
  asio::awaitable<void> pass_on_upstream_hangup();
  asio::awaitable<Reply> read_reply(Link& from);
  asio::awaitable<bool> intercept_starttls(const CommandDecision& decision);
  asio::awaitable<void> relay_data_body();
  asio::awaitable<void> relay_bytes(std::size_t count);
  asio::awaitable<void> passthrough();
  asio::awaitable<void> pump(Link& from, Link& to, TlsRecordSniffer& sniffer);
  // `self` keeps the session alive while these detached coroutines run.
  asio::awaitable<void> second_pump(std::shared_ptr<Session> self);
  asio::awaitable<void> watchdog(std::shared_ptr<Session> self);

  void note_command(const Command& command);
  void journal_action(const std::string& action, const nlohmann::json& details,
                      const std::string& line);
  void journal_tls(const char* side, Link& link, const boost::system::error_code& ec,
                   nlohmann::json extra);
  // Journals one event of this session (its id, domain and proxy name filled in).
  template <class Event>
  void emit(Event event) {
    event.session = id_;
    core::events::append(shared_->journal, event, domain_, shared_->options.name);
  }
  void end(std::string how);  // records the first reason and closes both sides
  std::string passthrough_verdict() const;

  std::shared_ptr<Proxy::Shared> shared_;
  const std::uint64_t id_;
  const std::shared_ptr<const Attack> attack_;
  const tcp::endpoint upstream_endpoint_;
  Link::Clock::time_point activity_;
  Link client_;
  Link upstream_;
  std::string peer_;
  std::string domain_;
  Phase phase_ = Phase::plaintext;
  std::string tls_mode_ = "none";  // none | passthrough | intercepted
  bool upstream_offers_starttls_ = false;
  bool awaiting_client_ = false;  // exchange() is waiting for the client's next command
  bool upstream_gone_ = false;    // the MX hung up while we waited for the client
  bool sent_mail_ = false, sent_data_ = false;
  bool plaintext_mail_ = false, plaintext_data_ = false;
  bool intercepted_mail_ = false, intercepted_data_ = false;
  std::string how_;
  bool finished_ = false;
  asio::steady_timer idle_timer_;
  // Passthrough: the second pump signals its end through this timer.
  asio::steady_timer pump_done_;
  bool second_pump_running_ = false;
  std::string first_to_close_;
  TlsRecordSniffer from_client_, from_upstream_;
};

}  // namespace stslab::mitm::detail
