#include "session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <sstream>

#include "stslab/core/tls.hpp"
#include "stslab/mitm/loopback.hpp"

namespace stslab::mitm::detail {
namespace {

template <typename T>
std::string str(const T& value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

std::string remote_of(tcp::socket& socket) {
  boost::system::error_code ec;
  auto ep = socket.remote_endpoint(ec);
  return ec ? "unknown" : str(ep);
}

}  // namespace

Session::Session(std::shared_ptr<Proxy::Shared> shared, std::uint64_t id, tcp::socket client,
                 std::shared_ptr<const Attack> attack, tcp::endpoint upstream)
    : shared_(std::move(shared)),
      id_(id),
      attack_(std::move(attack)),
      upstream_endpoint_(upstream),
      activity_(Link::Clock::now()),
      client_("client", std::move(client), activity_),
      upstream_("upstream", tcp::socket(client_.socket().get_executor()), activity_),
      peer_(remote_of(client_.socket())),
      domain_(shared_->options.name),
      idle_timer_(client_.socket().get_executor()),
      pump_done_(client_.socket().get_executor()) {}

void Session::stop() {
  asio::post(client_.socket().get_executor(),
             [self = shared_from_this()] { self->end("stopped"); });
}

void Session::end(std::string how) {
  if (how_.empty()) how_ = std::move(how);
  client_.close();
  upstream_.close();
}

asio::awaitable<void> Session::run() {
  auto self = shared_from_this();
  emit(core::events::MitmSessionOpen{.peer = peer_,
                                     .upstream = str(upstream_endpoint_),
                                     .attack = attack_->spec().name,
                                     .attack_params = attack_->spec().params});
  asio::co_spawn(client_.socket().get_executor(), watchdog(self), asio::detached);

  // No co_await inside a handler (C++20), so the handlers only record what happened.
  std::optional<BadInput> bad_input;
  try {
    co_await converse();
  } catch (const BadInput& e) {
    bad_input = e;
  } catch (const LinkError& e) {
    end(e.peer_closed() ? e.side() + "-closed" : e.side() + "-error: " + e.what());
  } catch (const std::exception& e) {
    end(std::string("error: ") + e.what());
  }
  if (bad_input && how_.empty()) {
    emit(core::events::MitmBadInput{.side = bad_input->side(), .reason = bad_input->what()});
    // Named, not a temporary inside co_await: GCC 12 mishandles some of those.
    const std::string why =
        bad_input->side() == "client"
            ? "500 5.5.2 Line too long\r\n"
            : "421 4.4.2 " + shared_->options.name + " mitm: upstream sent unreadable reply\r\n";
    try {  // best effort: tell the client why, if it can still read us
      co_await client_.write(why);
    } catch (const std::exception&) {
    }
    end("bad-input-from-" + bad_input->side());
  }
  end("done");
  finished_ = true;
  idle_timer_.cancel();
  emit(core::events::MitmSessionClose{
      .how = how_,
      .attack = attack_->spec().name,
      .client_sent_mail = sent_mail_,
      .client_sent_data = sent_data_,
      .plaintext_mail = plaintext_mail_,
      .plaintext_data = plaintext_data_,
      .intercepted_mail = intercepted_mail_,
      .intercepted_data = intercepted_data_,
      .tls = tls_mode_,
      .tls_passthrough = tls_mode_ == "passthrough",
      .bytes = {{"from_client", client_.bytes_read()}, {"from_upstream", upstream_.bytes_read()}}});
}

asio::awaitable<void> Session::watchdog([[maybe_unused]] std::shared_ptr<Session> self) {
  const auto idle = shared_->options.idle_timeout;
  while (!finished_) {
    idle_timer_.expires_at(activity_ + idle);
    boost::system::error_code ec;
    co_await idle_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (finished_) break;
    if (Link::Clock::now() >= activity_ + idle) {
      end("idle-timeout");
      break;
    }
  }
}

asio::awaitable<void> Session::converse() {
  if (!co_await connect_upstream()) co_return;
  const Reply greeting = co_await read_reply(upstream_);
  const std::string text = greeting.text();
  co_await client_.write(text);
  while (co_await exchange()) {
  }
}

asio::awaitable<bool> Session::exchange() {
  watch_upstream();
  awaiting_client_ = true;
  std::string line;
  try {
    line = co_await client_.read_line(shared_->options.max_line);
  } catch (const LinkError&) {
    if (!upstream_gone_) throw;  // else: the read was cancelled because the MX hung up
  }
  awaiting_client_ = false;
  if (upstream_gone_) {
    co_await pass_on_upstream_hangup();
    co_return false;
  }
  const Command command = parse_command(line, phase_);
  note_command(command);

  const CommandDecision decision = attack_->on_command(command);
  journal_action(decision.action, decision.details, line);
  switch (decision.kind) {
    case CommandDecision::Kind::answer: {
      const std::string text = Reply{decision.reply}.text();
      co_await client_.write(text);
      co_return true;
    }
    case CommandDecision::Kind::close:
      end("attack-closed");
      co_return false;
    case CommandDecision::Kind::intercept_tls:
      co_return co_await intercept_starttls(decision);
    case CommandDecision::Kind::relay:
      break;
  }
  co_return co_await relay(command);
}

asio::awaitable<bool> Session::relay(const Command& command) {
  const std::string wire = command.line + "\r\n";
  co_await upstream_.write(wire);
  if (auto size = bdat_size(command)) co_await relay_bytes(*size);
  Reply reply = co_await read_reply(upstream_);
  if (command.is_hello() && phase_ == Phase::plaintext) {
    upstream_offers_starttls_ = ehlo_offers(reply, "STARTTLS");
  }

  const ReplyDecision after = attack_->on_reply(command, reply);
  journal_action(after.action, after.details, command.line);
  std::string out = reply.text();
  for (const auto& extra : after.inject)
    out += extra + "\r\n";
  co_await client_.write(out);
  if (after.close_after) {
    end("attack-closed");
    co_return false;
  }

  const int code = reply.code();
  if (command.is("STARTTLS") && code == 220 && phase_ == Phase::plaintext) {
    co_await passthrough();
    co_return false;
  }
  if (command.is("DATA") && code == 354) {
    co_await relay_data_body();
    const Reply accepted = co_await read_reply(upstream_);
    const std::string text = accepted.text();
    co_await client_.write(text);
  }
  if (command.is("QUIT") && code == 221) {
    end("quit");
    co_return false;
  }
  co_return true;
}

void Session::journal_action(const std::string& action, const nlohmann::json& details,
                             const std::string& line) {
  if (action.empty()) return;
  emit(core::events::MitmAttack{.attack = attack_->spec().name,
                                .action = action,
                                .command = line,
                                .phase = std::string(to_string(phase_)),
                                .details = details});
}

void Session::watch_upstream() {
  if (upstream_.background_read_running()) return;
  if (upstream_.pending().size() >= shared_->options.max_line) return;  // a flood: stop reading
  upstream_.start_background_read(shared_from_this(), [this](const boost::system::error_code& ec) {
    if (!awaiting_client_ || !how_.empty()) return;  // the exchange collects the result
    if (!ec) {
      watch_upstream();  // unsolicited data stays queued as the next reply; keep watching
      return;
    }
    // The MX hung up: stop waiting for the client, so that exchange() passes it on now.
    upstream_gone_ = true;
    boost::system::error_code ignored;
    client_.socket().cancel(ignored);
  });
}

asio::awaitable<void> Session::pass_on_upstream_hangup() {
  const LinkError error(upstream_.side(), upstream_.background_error());
  if (how_.empty()) {
    how_ = error.peer_closed() ? "upstream-closed" : std::string("upstream-error: ") + error.what();
  }
  // Its last words, typically "421 ... closing connection", reach the client before the close.
  std::string last;
  last.swap(upstream_.pending());
  if (!last.empty()) co_await client_.write(last);
}

asio::awaitable<bool> Session::connect_upstream() {
  std::string refusal;
  try {
    require_loopback(upstream_endpoint_, "to relay to upstream");  // re-checked on every connect
  } catch (const std::invalid_argument& e) {
    refusal = e.what();
  }
  boost::system::error_code ec;
  if (refusal.empty()) {
    co_await upstream_.socket().async_connect(upstream_endpoint_,
                                              asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) co_return true;
    if (!how_.empty()) co_return false;  // stopped or timed out meanwhile
  }
  emit(core::events::MitmUpstreamError{.upstream = str(upstream_endpoint_),
                                       .error = refusal.empty() ? ec.message() : refusal,
                                       .refused_by_safety_rule = !refusal.empty()});
  // Record why before answering: a client that is already gone must not hide the reason.
  if (how_.empty()) how_ = refusal.empty() ? "upstream-unreachable" : "upstream-not-loopback";
  const std::string text = "421 4.4.1 " + shared_->options.name +
                           " mitm: upstream not available, closing connection\r\n";
  co_await client_.write(text);
  end(how_);
  co_return false;
}

asio::awaitable<Reply> Session::read_reply(Link& from) {
  Reply reply;
  for (;;) {
    std::string line = co_await from.read_line(shared_->options.max_line);
    reply.lines.push_back(std::move(line));
    if (!is_continuation_line(reply.lines.back())) co_return reply;
    if (reply.lines.size() >= shared_->options.max_reply_lines) {
      throw BadInput(from.side(), "reply with more than " +
                                      std::to_string(shared_->options.max_reply_lines) + " lines");
    }
  }
}

void Session::note_command(const Command& command) {
  if (command.is_rcpt_to() && domain_ == shared_->options.name) {
    if (auto d = recipient_domain(command); !d.empty()) domain_ = d;
  }
  emit(core::events::MitmClientCommand{.line = command.line,
                                       .phase = std::string(to_string(command.phase))});

  const bool mail = command.is_mail_from();
  const bool data = command.is("DATA") || command.is("BDAT");
  sent_mail_ = sent_mail_ || mail;
  sent_data_ = sent_data_ || data;
  const bool plain = command.phase == Phase::plaintext;
  bool& mail_seen = plain ? plaintext_mail_ : intercepted_mail_;
  bool& data_seen = plain ? plaintext_data_ : intercepted_data_;
  const auto seen = [&](const char* what) {
    if (plain) {
      emit(core::events::MitmPlaintextMail{.command = what, .line = command.line});
    } else {
      emit(core::events::MitmInterceptedMail{.command = what, .line = command.line});
    }
  };
  if (mail && !mail_seen) {
    mail_seen = true;
    seen("MAIL FROM");
  }
  if (data && !data_seen) {
    data_seen = true;
    seen("DATA");
  }
}

asio::awaitable<void> Session::relay_bytes(std::size_t count) {
  while (count > 0) {
    if (client_.pending().empty()) co_await client_.read_more();
    const std::size_t n = std::min(count, client_.pending().size());
    std::string chunk = client_.pending().substr(0, n);
    client_.pending().erase(0, n);
    co_await upstream_.write(chunk);
    count -= n;
  }
}

asio::awaitable<void> Session::relay_data_body() {
  DataEndScanner scanner;
  for (;;) {
    if (client_.pending().empty()) co_await client_.read_more();
    auto& pending = client_.pending();
    const auto end_at = scanner.feed(pending);
    const std::size_t n = end_at ? *end_at : pending.size();
    std::string chunk = pending.substr(0, n);
    pending.erase(0, n);
    co_await upstream_.write(chunk);
    if (end_at) co_return;
  }
}

asio::awaitable<bool> Session::intercept_starttls(const CommandDecision& decision) {
  co_await client_.write("220 2.0.0 Ready to start TLS\r\n");
  // Anything the client pipelined behind STARTTLS was sent before our 220: never part of TLS.
  const auto discarded = client_.pending().size();
  client_.pending().clear();
  auto ec = co_await client_.tls_accept(*decision.server_tls);
  auto facts = decision.details;
  facts["discarded_plaintext_bytes"] = discarded;
  journal_tls("client", client_, ec, std::move(facts));
  if (ec) {
    end("client-tls-failed");
    co_return false;
  }
  phase_ = Phase::intercepted_tls;
  tls_mode_ = "intercepted";
  if (!upstream_offers_starttls_) co_return true;  // relay the decrypted session in plaintext

  co_await upstream_.write("STARTTLS\r\n");
  const Reply reply = co_await read_reply(upstream_);
  if (reply.code() != 220) {
    emit(core::events::MitmTls{.side = "upstream",
                               .ok = false,
                               .error = "upstream answered STARTTLS with: " + reply.lines.front()});
    co_return true;
  }
  upstream_.pending().clear();
  const char* sni = SSL_get_servername(client_.ssl(), TLSEXT_NAMETYPE_host_name);
  const std::string upstream_sni = sni ? std::string(sni) : shared_->options.name;
  ec = co_await upstream_.tls_connect(*shared_->upstream_tls, upstream_sni);
  journal_tls("upstream", upstream_, ec, nlohmann::json::object());
  if (ec) {
    end("upstream-tls-failed");
    co_return false;
  }
  co_return true;
}

void Session::journal_tls(const char* side, Link& link, const boost::system::error_code& ec,
                          nlohmann::json extra) {
  core::events::MitmTls event{.side = side, .ok = !ec};
  event.facts = link.ssl() ? core::session_facts(link.ssl()) : nlohmann::json::object();
  event.facts.update(extra);
  if (ec) {
    event.error = core::describe_tls_error(ec);
    const auto alert = core::received_alert(ec);
    event.alert = alert.empty() ? nlohmann::json(nullptr) : nlohmann::json(alert);
  }
  emit(std::move(event));
}

asio::awaitable<void> Session::passthrough() {
  tls_mode_ = "passthrough";
  second_pump_running_ = true;
  pump_done_.expires_at(asio::steady_timer::time_point::max());
  asio::co_spawn(client_.socket().get_executor(), second_pump(shared_from_this()), asio::detached);
  co_await pump(client_, upstream_, from_client_);
  if (second_pump_running_) {
    boost::system::error_code ec;
    co_await pump_done_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  core::events::MitmPassthrough event{.client = from_client_.summary(),
                                      .upstream = from_upstream_.summary(),
                                      .client_handshake = passthrough_verdict()};
  if (!first_to_close_.empty()) event.first_to_close = first_to_close_;
  emit(std::move(event));
  end(first_to_close_.empty() ? "closed" : first_to_close_ + "-closed");
}

asio::awaitable<void> Session::second_pump([[maybe_unused]] std::shared_ptr<Session> self) {
  co_await pump(upstream_, client_, from_upstream_);
  second_pump_running_ = false;
  pump_done_.cancel();
}

asio::awaitable<void> Session::pump(Link& from, Link& to, TlsRecordSniffer& sniffer) {
  try {
    for (;;) {
      if (from.pending().empty()) co_await from.read_more();
      std::string chunk;
      chunk.swap(from.pending());
      sniffer.feed(chunk);
      co_await to.write(chunk);
    }
  } catch (const LinkError& e) {
    if (e.side() == from.side() && e.peer_closed()) {
      if (first_to_close_.empty()) first_to_close_ = from.side();
      to.shutdown_send();  // pass the EOF on; the other direction may still be talking
    } else {
      end(e.peer_closed() ? e.side() + "-closed" : e.side() + "-error: " + e.what());
    }
  } catch (const std::exception& e) {
    end(std::string("error: ") + e.what());
  }
}

std::string Session::passthrough_verdict() const {
  if (!from_client_.started_tls()) {
    return from_client_.spoke_plaintext() ? "plaintext" : "not-started";
  }
  if (!from_client_.plaintext_alert().empty()) return "failed";
  if (from_client_.application_data_records() > from_client_.alert_sized_application_records()) {
    return "completed";
  }
  return "failed";
}

}  // namespace stslab::mitm::detail
