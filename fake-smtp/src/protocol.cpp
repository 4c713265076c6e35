#include "stslab/smtp/protocol.hpp"

#include <algorithm>

#include "command.hpp"

namespace stslab::smtp {

using detail::iequals;

std::string_view to_string(State s) {
  switch (s) {
    case State::connected:
      return "connected";
    case State::greeted:
      return "greeted";
    case State::mail:
      return "mail";
    case State::rcpt:
      return "rcpt";
    case State::data:
      return "data";
    case State::bdat:
      return "bdat";
    case State::rejected:
      return "rejected";
    case State::tls_pending:
      return "tls_pending";
    case State::closed:
      return "closed";
  }
  return "unknown";
}

std::string_view to_string(CloseReason r) {
  switch (r) {
    case CloseReason::quit:
      return "quit";
    case CloseReason::timeout:
      return "timeout";
    case CloseReason::too_many_errors:
      return "too_many_errors";
    case CloseReason::refused:
      return "refused";
    case CloseReason::server_stop:
      return "server_stop";
  }
  return "unknown";
}

std::string Reply::text() const {
  std::string out;
  for (const auto& line : lines) {
    if (!out.empty()) out += '\n';
    out += line;
  }
  return out;
}

std::string Reply::wire() const {
  std::string out;
  const std::string code_text = std::to_string(code);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out += code_text;
    out += i + 1 < lines.size() ? '-' : ' ';
    out += lines[i];
    out += "\r\n";
  }
  if (lines.empty()) out = code_text + "\r\n";
  return out;
}

SmtpProtocol::SmtpProtocol(std::shared_ptr<const Vhost> vhost, std::uint64_t session_id,
                           bool tls_available)
    : vhost_(std::move(vhost)), session_id_(session_id), tls_available_(tls_available) {}

Outputs SmtpProtocol::greet() {
  Outputs out;
  bool refused = false;
  if (configured(Stage::banner, "", out, refused)) {
    // A refusing banner (554) leaves the client nothing to do but QUIT (RFC 5321 3.1).
    if (refused && state_ != State::closed) state_ = State::rejected;
    return out;
  }
  const std::string text =
      vhost_->banner_text.empty() ? vhost_->name + " ESMTP stslab" : vhost_->banner_text;
  out.push_back(Reply{220, {text}});
  return out;
}

Outputs SmtpProtocol::feed(std::string_view in) {
  Outputs out;
  const std::size_t max_line = std::max<std::size_t>(vhost_->limits.max_line_length, 3);
  while (!in.empty() && state_ != State::closed && state_ != State::tls_pending) {
    if (state_ == State::data) {
      on_data_bytes(in, out);
      continue;
    }
    if (state_ == State::bdat) {
      on_bdat_bytes(in, out);
      continue;
    }
    const auto lf = in.find('\n');
    const std::string_view piece = in.substr(0, lf);
    in.remove_prefix(lf == std::string_view::npos ? in.size() : lf + 1);

    if (!overlong_) {
      // The limit counts the line ending; a line still waiting for its LF may have max-1 octets.
      const std::size_t total =
          line_.size() + piece.size() + (lf == std::string_view::npos ? 0 : 1);
      const std::size_t allowed = lf == std::string_view::npos ? max_line - 1 : max_line;
      if (total > allowed) {
        overlong_ = true;
        line_.append(piece.substr(0, 128 - std::min<std::size_t>(line_.size(), 128)));
        line_.resize(std::min<std::size_t>(line_.size(), 128));
      } else {
        line_.append(piece);
      }
    }
    if (lf == std::string_view::npos) break;  // wait for the rest of the line

    if (overlong_) {
      overlong_ = false;
      on_overlong_line(out);
      line_.clear();
      continue;
    }
    std::string line = std::move(line_);
    line_.clear();
    const bool bare_lf = line.empty() || line.back() != '\r';
    if (!bare_lf) line.pop_back();
    on_line(line, bare_lf, out);
  }
  if (state_ == State::tls_pending)
    out.emplace_back(std::in_place_type<StartTls>, StartTls{in.size()});
  return out;
}

void SmtpProtocol::tls_started() {
  tls_ = true;
  state_ = State::connected;
  helo_.clear();
  esmtp_ = false;
  line_.clear();
  overlong_ = false;
  reset_transaction();
}

Outputs SmtpProtocol::idle_timeout() {
  Outputs out;
  if (state_ == State::closed) return out;
  reply(out, 421, "4.4.2", vhost_->name + " Error: timeout exceeded");
  close(out, CloseReason::timeout);
  return out;
}

Outputs SmtpProtocol::shutdown() {
  Outputs out;
  if (state_ == State::closed) return out;
  reply(out, 421, "4.3.2", vhost_->name + " Service shutting down");
  close(out, CloseReason::server_stop);
  return out;
}

void SmtpProtocol::on_overlong_line(Outputs& out) {
  out.push_back(Command{detail::printable(line_), false, true});
  client_error(out, 500, "5.5.2", "Line too long");
}

void SmtpProtocol::on_line(std::string_view line, bool bare_lf, Outputs& out) {
  out.push_back(Command{detail::printable(detail::redact(line)), bare_lf, false});
  current_line_ = line;
  if (detail::has_control_octets(line)) {
    client_error(out, 500, "5.5.2", "Invalid characters in command");
    return;
  }
  const auto [verb, arg] = detail::split_command(line);
  if (state_ == State::rejected && verb != "QUIT") {
    client_error(out, 503, "5.5.1", "No SMTP service here, only QUIT");
    return;
  }
  if (verb == "EHLO" || verb == "HELO") {
    cmd_ehlo(verb, arg, out);
  } else if (verb == "STARTTLS") {
    cmd_starttls(arg, out);
  } else if (verb == "MAIL") {
    cmd_mail(arg, out);
  } else if (verb == "RCPT") {
    cmd_rcpt(arg, out);
  } else if (verb == "DATA") {
    cmd_data(arg, out);
  } else if (verb == "BDAT") {
    cmd_bdat(arg, out);
  } else if (verb == "RSET") {
    cmd_rset(arg, out);
  } else if (verb == "NOOP") {
    reply(out, 250, "2.0.0", "Ok");
  } else if (verb == "QUIT") {
    reply(out, 221, "2.0.0", "Bye");
    close(out, CloseReason::quit);
  } else if (verb == "VRFY") {
    if (arg.empty()) {
      client_error(out, 501, "5.5.4", "Syntax: VRFY address");
    } else {
      reply(out, 252, "2.0.0", "Cannot VRFY user, but will accept message and attempt delivery");
    }
  } else if (verb == "HELP" || verb == "EXPN" || verb == "AUTH" || verb == "ETRN" ||
             verb == "TURN" || verb == "ATRN" || verb == "VERB" || verb == "SEND" ||
             verb == "SOML" || verb == "SAML") {
    client_error(out, 502, "5.5.1", "Command not implemented");
  } else {
    client_error(out, 500, "5.5.2", "Command not recognized");
  }
}

void SmtpProtocol::cmd_ehlo(std::string_view verb, std::string_view arg, Outputs& out) {
  if (arg.empty()) {
    client_error(out, 501, "5.5.4", "Syntax: " + std::string(verb) + " hostname");
    return;
  }
  const std::string_view first_word = arg.substr(0, arg.find(' '));
  bool refused = false;
  const bool custom = configured(Stage::ehlo, current_line_, out, refused);
  if (custom) {
    if (refused) return;
    if (const auto* r = std::get_if<Reply>(&out.back())) {
      for (const auto& l : r->lines)
        starttls_offered_ |= iequals(l, "STARTTLS");
    }
  }
  reset_transaction();
  helo_ = first_word;
  esmtp_ = verb == "EHLO";
  if (state_ != State::closed) state_ = State::greeted;
  if (custom) return;

  if (!esmtp_) {
    reply(out, 250, "", vhost_->name);
    return;
  }
  const Capabilities& caps = vhost_->caps;
  Reply r{250, {vhost_->name}};
  if (caps.pipelining) r.lines.emplace_back("PIPELINING");
  if (caps.size) r.lines.push_back("SIZE " + std::to_string(*caps.size));
  if (caps.starttls && !tls_) {
    r.lines.emplace_back("STARTTLS");
    starttls_offered_ = true;
  }
  if (caps.enhanced_status_codes) r.lines.emplace_back("ENHANCEDSTATUSCODES");
  if (caps.eight_bit_mime) r.lines.emplace_back("8BITMIME");
  if (caps.smtputf8) r.lines.emplace_back("SMTPUTF8");
  if (caps.chunking) r.lines.emplace_back("CHUNKING");
  for (const auto& e : caps.extra)
    r.lines.push_back(e);
  out.push_back(std::move(r));
}

void SmtpProtocol::cmd_starttls(std::string_view arg, Outputs& out) {
  if (!arg.empty()) return client_error(out, 501, "5.5.4", "Syntax: STARTTLS");
  if (tls_) return client_error(out, 503, "5.5.1", "TLS already active");
  if (state_ == State::connected) return client_error(out, 503, "5.5.1", "Send EHLO first");
  if (state_ != State::greeted) {
    return client_error(out, 503, "5.5.1", "Mail transaction in progress");
  }
  bool refused = false;
  if (configured(Stage::starttls, current_line_, out, refused)) {
    if (refused || state_ == State::closed) return;
  } else if (!vhost_->caps.starttls) {
    return client_error(out, 502, "5.5.1", "Command not implemented");
  } else if (!tls_available_) {
    return reply(out, 454, "4.7.0", "TLS not available due to local problem");
  } else {
    reply(out, 220, "2.0.0", "Ready to start TLS");
  }
  state_ = State::tls_pending;
}

void SmtpProtocol::cmd_mail(std::string_view arg, Outputs& out) {
  if (state_ == State::connected) return client_error(out, 503, "5.5.1", "Send HELO/EHLO first");
  if (state_ != State::greeted) return client_error(out, 503, "5.5.1", "Nested MAIL command");
  auto parsed = detail::parse_path_arg(arg, "FROM:");
  if (!parsed || (!parsed->path.empty() && !detail::is_mailbox(parsed->path))) {
    return client_error(out, 501, "5.5.4", "Syntax: MAIL FROM:<address>");
  }
  const Capabilities& caps = vhost_->caps;
  for (const auto& param : parsed->params) {
    const auto eq = param.find('=');
    const std::string key = detail::to_upper(param.substr(0, eq));
    const std::string value = eq == std::string::npos ? "" : param.substr(eq + 1);
    if (!esmtp_) return client_error(out, 555, "5.5.4", "Parameters need EHLO");
    if (key == "SIZE") {
      if (value.empty() || value.size() > 19 ||
          !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return client_error(out, 501, "5.5.4", "Bad SIZE parameter");
      }
      if (std::stoull(value) > vhost_->limits.max_message_size) {
        return reply(out, 552, "5.3.4", "Message size exceeds fixed limit");
      }
    } else if (key == "BODY") {
      const std::string body = detail::to_upper(value);
      if (body != "7BIT" && !(body == "8BITMIME" && caps.eight_bit_mime)) {
        return client_error(out, 555, "5.5.4", "Unsupported BODY parameter");
      }
    } else if (key == "SMTPUTF8" && caps.smtputf8 && value.empty()) {
      // accepted
    } else {
      return client_error(out, 555, "5.5.4", "Unsupported option: " + detail::printable(param));
    }
  }
  bool refused = false;
  const bool custom = configured(Stage::mail, current_line_, out, refused);
  if (refused || state_ == State::closed) return;
  mail_from_ = parsed->path;
  mail_params_ = parsed->params;
  state_ = State::mail;
  if (!custom) reply(out, 250, "2.1.0", "Ok");
}

void SmtpProtocol::cmd_rcpt(std::string_view arg, Outputs& out) {
  if (state_ != State::mail && state_ != State::rcpt) {
    return client_error(out, 503, "5.5.1", "Need MAIL command");
  }
  auto parsed = detail::parse_path_arg(arg, "TO:");
  if (!parsed || !(detail::is_mailbox(parsed->path) || iequals(parsed->path, "postmaster"))) {
    return client_error(out, 501, "5.5.4", "Syntax: RCPT TO:<address>");
  }
  if (!parsed->params.empty()) {
    return client_error(out, 555, "5.5.4",
                        "Unsupported option: " + detail::printable(parsed->params.front()));
  }
  if (rcpt_domain_.empty()) rcpt_domain_ = detail::domain_of(parsed->path);
  if (rcpts_.size() >= vhost_->limits.max_recipients) {
    return reply(out, 452, "4.5.3", "Too many recipients");
  }
  bool refused = false;
  const bool custom = configured(Stage::rcpt, current_line_, out, refused);
  if (refused || state_ == State::closed) return;
  rcpts_.push_back(parsed->path);
  state_ = State::rcpt;
  if (!custom) reply(out, 250, "2.1.5", "Ok");
}

void SmtpProtocol::cmd_data(std::string_view arg, Outputs& out) {
  if (!arg.empty()) return client_error(out, 501, "5.5.4", "Syntax: DATA");
  if (state_ == State::connected || state_ == State::greeted) {
    return client_error(out, 503, "5.5.1", "Need MAIL command");
  }
  if (chunked_) return client_error(out, 503, "5.5.1", "BDAT transfer in progress");
  // MAIL accepted but every RCPT refused: common with pipelining, not a client error.
  if (state_ == State::mail) return reply(out, 554, "5.5.1", "No valid recipients");
  bool refused = false;
  const bool custom = configured(Stage::data, current_line_, out, refused);
  if (refused || state_ == State::closed) return;
  if (!custom) reply(out, 354, "", "End data with <CR><LF>.<CR><LF>");
  state_ = State::data;
  decoder_.reset();
  data_.clear();
}

void SmtpProtocol::cmd_bdat(std::string_view arg, Outputs& out) {
  if (!vhost_->caps.chunking) return client_error(out, 502, "5.5.1", "Command not implemented");
  const auto [size_text, last_text] = detail::split_command(arg);
  const bool digits =
      !size_text.empty() && size_text.size() <= 19 &&
      std::all_of(size_text.begin(), size_text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || !(last_text.empty() || iequals(last_text, "LAST"))) {
    return client_error(out, 501, "5.5.4", "Syntax: BDAT size [LAST]");
  }
  bdat_left_ = std::stoull(size_text);
  bdat_last_ = !last_text.empty();
  bdat_refusal_.reset();
  bdat_return_ = state_;
  if (state_ != State::rcpt) {
    // The chunk follows whatever we say, so read it and refuse afterwards (RFC 3030 2).
    const bool before_mail = state_ == State::connected || state_ == State::greeted;
    const std::string text = before_mail ? "Need MAIL command" : "Need RCPT command";
    bdat_refusal_ = Reply{503, {vhost_->caps.enhanced_status_codes ? "5.5.1 " + text : text}};
  } else {
    chunked_ = true;
  }
  state_ = State::bdat;
  if (bdat_left_ == 0) {
    std::string_view none;
    on_bdat_bytes(none, out);
  }
}

void SmtpProtocol::cmd_rset(std::string_view arg, Outputs& out) {
  if (!arg.empty()) return client_error(out, 501, "5.5.4", "Syntax: RSET");
  reset_transaction();
  if (state_ == State::mail || state_ == State::rcpt) state_ = State::greeted;
  reply(out, 250, "2.0.0", "Ok");
}

void SmtpProtocol::on_data_bytes(std::string_view& in, Outputs& out) {
  const std::size_t used = decoder_.feed(in, data_, vhost_->limits.max_message_size);
  in.remove_prefix(used);
  if (decoder_.done()) {
    data_size_ = decoder_.size();
    finish_message(out);
  }
}

void SmtpProtocol::on_bdat_bytes(std::string_view& in, Outputs& out) {
  const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(bdat_left_, in.size()));
  if (!bdat_refusal_) {
    data_size_ += take;
    const std::uint64_t cap = vhost_->limits.max_message_size;
    if (data_.size() < cap) {
      data_.append(in.substr(
          0, static_cast<std::size_t>(std::min<std::uint64_t>(take, cap - data_.size()))));
    }
  }
  in.remove_prefix(take);
  bdat_left_ -= take;
  if (bdat_left_ > 0) return;

  if (bdat_refusal_) {
    state_ = bdat_return_;
    Reply refusal = std::move(*bdat_refusal_);
    bdat_refusal_.reset();
    out.push_back(std::move(refusal));
    ++errors_;
    if (errors_ >= vhost_->limits.max_errors) {
      reply(out, 421, "4.7.0", vhost_->name + " Error: too many errors");
      close(out, CloseReason::too_many_errors);
    }
    return;
  }
  if (bdat_last_) {
    finish_message(out);
  } else {
    state_ = State::rcpt;
    reply(out, 250, "2.0.0", std::to_string(data_size_) + " octets received");
  }
}

void SmtpProtocol::finish_message(Outputs& out) {
  state_ = State::greeted;
  if (data_size_ > vhost_->limits.max_message_size) {
    out.push_back(RefusedMessage{mail_from_, rcpts_, data_size_, 552, "too_big"});
    reply(out, 552, "5.3.4", "Message too big for system");
  } else {
    // `match` for end_of_data looks at the envelope: "FROM:<a@x> TO:<b@y> TO:<c@z>".
    std::string envelope = "FROM:<" + mail_from_ + ">";
    for (const auto& r : rcpts_)
      envelope += " TO:<" + r + ">";
    const StageReply* custom = find_configured(Stage::end_of_data, envelope);
    if (custom && custom->code >= 400) {
      out.push_back(RefusedMessage{mail_from_, rcpts_, data_size_, custom->code, "configured"});
    } else {
      const std::string queue_id = std::to_string(session_id_) + "." + std::to_string(++messages_);
      out.push_back(AcceptedMessage{queue_id, helo_, mail_from_, mail_params_, rcpts_,
                                    std::move(data_), chunked_});
      if (!custom) reply(out, 250, "2.0.0", "Ok: queued as " + queue_id);
    }
    bool refused = false;
    if (custom) emit_configured(*custom, out, refused);
  }
  reset_transaction();
}

void SmtpProtocol::reply(Outputs& out, int code, std::string_view enhanced, std::string_view text) {
  std::string line;
  if (!enhanced.empty() && vhost_->caps.enhanced_status_codes) {
    line.append(enhanced);
    line += ' ';
  }
  line.append(text);
  out.push_back(Reply{code, {std::move(line)}});
}

void SmtpProtocol::client_error(Outputs& out, int code, std::string_view enhanced,
                                std::string_view text) {
  reply(out, code, enhanced, text);
  ++errors_;
  if (errors_ >= vhost_->limits.max_errors) {
    reply(out, 421, "4.7.0", vhost_->name + " Error: too many errors");
    close(out, CloseReason::too_many_errors);
  }
}

const StageReply* SmtpProtocol::find_configured(Stage stage, std::string_view line) const {
  for (const auto& r : vhost_->replies) {
    if (r.stage == stage && detail::icontains(line, r.match)) return &r;
  }
  return nullptr;
}

void SmtpProtocol::emit_configured(const StageReply& r, Outputs& out, bool& refused) {
  Reply reply{r.code, {}};
  std::string_view text = r.text;
  while (true) {
    const auto nl = text.find('\n');
    reply.lines.emplace_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  out.push_back(std::move(reply));
  refused = r.code >= 400;
  if (r.close || r.code == 421) close(out, CloseReason::refused);
}

bool SmtpProtocol::configured(Stage stage, std::string_view line, Outputs& out, bool& refused) {
  const StageReply* r = find_configured(stage, line);
  if (r) emit_configured(*r, out, refused);
  return r != nullptr;
}

void SmtpProtocol::close(Outputs& out, CloseReason how) {
  state_ = State::closed;
  out.emplace_back(std::in_place_type<Close>, Close{how});
}

void SmtpProtocol::reset_transaction() {
  mail_from_.clear();
  mail_params_.clear();
  rcpts_.clear();
  data_.clear();
  data_size_ = 0;
  chunked_ = false;
  decoder_.reset();
}

}  // namespace stslab::smtp
