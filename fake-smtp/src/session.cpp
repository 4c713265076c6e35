#include "session.hpp"

#include <openssl/evp.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "command.hpp"
#include "stslab/core/tls.hpp"

namespace stslab::smtp::detail {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using asio::ip::tcp;

namespace {

// Unique across every server in the process, so the journal can stitch one session together.
std::atomic<std::uint64_t> next_session_id{1};

std::string endpoint_text(const tcp::endpoint& ep) {
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 0xF]);
  }
  return out;
}

std::vector<std::string> printable_list(const std::vector<std::string>& v) {
  std::vector<std::string> list;
  for (const auto& s : v)
    list.push_back(printable(s));
  return list;
}

// The peer went away (as opposed to a fault worth reporting).
bool is_disconnect(const boost::system::error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == ssl::error::stream_truncated;
}

}  // namespace

void Session::launch(std::shared_ptr<SmtpServer::Impl> server, tcp::socket socket,
                     VhostSnapshot vhost) {
  const std::uint64_t id = next_session_id.fetch_add(1);
  auto session = std::make_shared<Session>(server, std::move(socket), std::move(vhost), id);
  server->add_session(session, id);
  asio::co_spawn(
      session->socket_.get_executor(), [session] { return session->run(); }, asio::detached);
}

Session::Session(std::shared_ptr<SmtpServer::Impl> server, tcp::socket socket, VhostSnapshot vhost,
                 std::uint64_t id)
    : server_(std::move(server)),
      socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      vhost_(std::move(vhost)),
      id_(id),
      protocol_(vhost_.config, id, vhost_.tls && vhost_.tls->context) {
  boost::system::error_code ec;
  peer_endpoint_ = socket_.remote_endpoint(ec);
  local_endpoint_ = socket_.local_endpoint(ec);
  peer_ = endpoint_text(peer_endpoint_);
  local_ = endpoint_text(local_endpoint_);
}

void Session::shutdown() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    self->stopping_ = true;
    boost::system::error_code ignored;
    self->socket_.cancel(ignored);
  });
}

asio::awaitable<void> Session::run() {
  auto self = shared_from_this();  // keeps the session alive for the timer's handler too
  try {
    journal(core::events::SmtpSessionOpen{.peer = peer_, .local = local_});
    if (vhost_.tls && !vhost_.tls->context) {
      journal(core::events::SmtpTlsUnavailable{.error = vhost_.tls->error});
    }
    bool go_on = co_await process(protocol_.greet());
    while (go_on) {
      boost::system::error_code ec;
      last_state_ = protocol_.state();
      const std::size_t n = stopping_ ? 0 : co_await read_some(ec);
      if (stopping_) {
        co_await process(protocol_.shutdown());
        break;
      }
      if (ec) {
        if (deadline_passed_) {
          co_await process(protocol_.idle_timeout());
        } else if (is_disconnect(ec)) {
          close_with(How::client_closed);
        } else {
          close_with(How::error, tls_ ? core::describe_tls_error(ec) : ec.message());
        }
        break;
      }
      go_on = co_await process(protocol_.feed(std::string_view(buffer_.data(), n)));
    }
  } catch (const std::exception& e) {
    close_with(How::error, e.what());
  }
  disarm();
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);

  const State state = protocol_.state() == State::closed ? last_state_ : protocol_.state();
  core::events::SmtpSessionClose close{.how = std::string(to_string(how_.value_or(How::error))),
                                       .starttls_offered = protocol_.starttls_offered(),
                                       .starttls_used = starttls_used_,
                                       .last_state = std::string(smtp::to_string(state))};
  if (!error_.empty()) close.error = error_;
  server_->remove_session(id_);  // first, so a waiter on the event sees the count drop
  journal(std::move(close));
}

asio::awaitable<bool> Session::process(Outputs outputs) {
  for (auto& output : outputs) {
    if (auto* command = std::get_if<Command>(&output)) {
      journal(core::events::SmtpCommand{.line = command->line,
                                        .tls = protocol_.tls(),
                                        .bare_lf = command->bare_lf,
                                        .overlong = command->overlong});
    } else if (auto* reply = std::get_if<Reply>(&output)) {
      journal(core::events::SmtpReply{
          .code = reply->code, .text = reply->text(), .tls = protocol_.tls()});
      pending_ += reply->wire();
    } else if (auto* accepted = std::get_if<AcceptedMessage>(&output)) {
      StoredMessage m;
      m.session = id_;
      m.queue_id = accepted->queue_id;
      m.vhost = vhost_.config->name;
      m.helo = accepted->helo;
      m.mail_from = accepted->mail_from;
      m.mail_params = accepted->mail_params;
      m.rcpts = accepted->rcpts;
      m.sha256 = sha256_hex(accepted->data);
      m.data = std::move(accepted->data);
      m.chunked = accepted->chunked;
      m.tls = protocol_.tls();
      if (m.tls) {
        m.tls_version = tls_facts_.value("version", "");
        m.tls_cipher = tls_facts_.value("cipher", "");
        if (tls_facts_["sni"].is_string()) m.sni = tls_facts_["sni"].get<std::string>();
      }
      m.peer = peer_endpoint_;
      m.local = local_endpoint_;
      core::events::SmtpMessage event{.queue_id = m.queue_id,
                                      .mail_from = printable(m.mail_from),
                                      .rcpts = printable_list(m.rcpts),
                                      .size = m.data.size(),
                                      .sha256 = m.sha256,
                                      .chunked = m.chunked,
                                      .tls = m.tls};
      if (m.tls) event.tls_version = m.tls_version;
      event.message_id = server_->store(std::move(m));
      // Stored before its event, so whoever waits for the event finds the message.
      server_->set_journal_seq(event.message_id, journal(std::move(event)));
    } else if (auto* refused = std::get_if<RefusedMessage>(&output)) {
      journal(core::events::SmtpMessageRefused{.mail_from = printable(refused->mail_from),
                                               .rcpts = printable_list(refused->rcpts),
                                               .size = refused->size,
                                               .code = refused->code,
                                               .reason = refused->reason,
                                               .tls = protocol_.tls()});
    } else if (auto* start = std::get_if<StartTls>(&output)) {
      if (!co_await flush()) co_return false;
      if (!co_await start_tls(start->discarded_bytes)) co_return false;
    } else if (auto* close = std::get_if<Close>(&output)) {
      switch (close->how) {
        case CloseReason::quit:
          how_ = How::quit;
          break;
        case CloseReason::timeout:
          how_ = How::timeout;
          break;
        case CloseReason::too_many_errors:
          how_ = How::too_many_errors;
          break;
        case CloseReason::refused:
          how_ = How::refused;
          break;
        case CloseReason::server_stop:
          how_ = How::server_stop;
          break;
      }
      co_await flush();
      co_return false;
    }
  }
  co_return co_await flush();
}

asio::awaitable<bool> Session::flush() {
  if (pending_.empty()) co_return true;
  std::string out = std::move(pending_);
  pending_.clear();
  boost::system::error_code ec;
  arm(server_->options.io_timeout);
  co_await on_stream([&](auto& stream) {
    return asio::async_write(stream, asio::buffer(out),
                             asio::redirect_error(asio::use_awaitable, ec));
  });
  disarm();
  if (ec) {
    if (how_) co_return false;  // closing anyway; keep the reason we had
    if (stopping_) {
      close_with(How::server_stop);
    } else if (deadline_passed_) {
      close_with(How::timeout, "write deadline passed");
    } else if (is_disconnect(ec)) {
      close_with(How::client_closed);
    } else {
      close_with(How::error, ec.message());
    }
    co_return false;
  }
  co_return true;
}

asio::awaitable<bool> Session::start_tls(std::size_t discarded) {
  if (discarded > 0) journal(core::events::SmtpDiscardedPlaintext{.bytes = discarded});
  tls_.emplace(socket_, *vhost_.tls->context);
  const auto& cred = vhost_.tls->credential;
  boost::system::error_code ec;
  arm(server_->options.io_timeout);
  co_await tls_->async_handshake(ssl::stream_base::server,
                                 asio::redirect_error(asio::use_awaitable, ec));
  disarm();
  core::events::SmtpTls event{.cert_profile = std::string(core::to_string(cred.profile)),
                              .cert_host = cred.host};
  if (ec) {
    const char* sni = SSL_get_servername(tls_->native_handle(), TLSEXT_NAMETYPE_host_name);
    const std::string alert = core::received_alert(ec);
    if (sni) event.sni = printable(sni);
    event.error = deadline_passed_ ? "handshake deadline passed" : core::describe_tls_error(ec);
    if (!alert.empty()) event.alert = alert;
    journal(std::move(event));
    close_with(How::tls_failed, core::describe_tls_error(ec));
    co_return false;
  }
  tls_facts_ = core::session_facts(tls_->native_handle());
  if (tls_facts_["sni"].is_string())
    tls_facts_["sni"] = printable(tls_facts_["sni"].get<std::string>());
  event.ok = true;
  event.version = core::events::text_or_none(tls_facts_["version"]);
  event.cipher = core::events::text_or_none(tls_facts_["cipher"]);
  event.sni = core::events::text_or_none(tls_facts_["sni"]);
  journal(std::move(event));
  starttls_used_ = true;
  protocol_.tls_started();
  co_return true;
}

asio::awaitable<std::size_t> Session::read_some(boost::system::error_code& ec) {
  arm(vhost_.config->limits.idle_timeout);
  const std::size_t n = co_await on_stream([&](auto& stream) {
    return stream.async_read_some(asio::buffer(buffer_),
                                  asio::redirect_error(asio::use_awaitable, ec));
  });
  disarm();
  co_return n;
}

void Session::arm(std::chrono::milliseconds after) {
  deadline_passed_ = false;
  const std::uint64_t generation = ++timer_generation_;
  timer_.expires_after(after);
  timer_.async_wait([self = shared_from_this(), generation](boost::system::error_code ec) {
    if (ec || generation != self->timer_generation_) return;
    self->deadline_passed_ = true;
    boost::system::error_code ignored;
    self->socket_.cancel(ignored);
  });
}

void Session::disarm() {
  ++timer_generation_;
  timer_.cancel();
}

std::string Session::journal_domain() const {
  const std::string& domain =
      protocol_.recipient_domain().empty() ? vhost_.config->name : protocol_.recipient_domain();
  return printable(domain);
}

void Session::close_with(How how, std::string error) {
  if (how_) return;
  how_ = how;
  error_ = std::move(error);
}

std::string_view Session::to_string(How how) {
  switch (how) {
    case How::quit:
      return "quit";
    case How::client_closed:
      return "client_closed";
    case How::timeout:
      return "timeout";
    case How::too_many_errors:
      return "too_many_errors";
    case How::refused:
      return "refused";
    case How::error:
      return "error";
    case How::server_stop:
      return "server_stop";
    case How::tls_failed:
      return "tls_failed";
  }
  return "error";
}

}  // namespace stslab::smtp::detail
