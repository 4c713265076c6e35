#include "stslab/sender/smtp_connection.hpp"

namespace stslab::sender {

SmtpConnection::SmtpConnection(std::chrono::milliseconds step_timeout, const DefectSet& defects)
    : wire_(step_timeout), defects_(defects) {}

std::string SmtpConnection::connect(const boost::asio::ip::tcp::endpoint& to) {
  auto ec = wire_.connect(to);
  return ec ? ec.message() : std::string();
}

std::string SmtpConnection::read_reply(SmtpReply& out) {
  while (true) {
    switch (take_reply(pending_, out)) {
      case ReplyStatus::complete:
        return {};
      case ReplyStatus::malformed:
        wire_.close();
        return "malformed reply";
      case ReplyStatus::incomplete:
        break;
    }
    if (auto ec = wire_.read_some(pending_); ec) {
      wire_.close();
      return ec == boost::asio::error::timed_out ? "timed out waiting for a reply"
                                                 : "reading a reply: " + ec.message();
    }
  }
}

std::string SmtpConnection::send_raw(std::string_view bytes) {
  if (auto ec = wire_.write(bytes); ec) {
    wire_.close();
    return "writing: " + ec.message();
  }
  return {};
}

std::string SmtpConnection::command(const std::string& line, SmtpReply& out) {
  if (auto err = send_raw(line + "\r\n"); !err.empty()) return err;
  return read_reply(out);
}

std::string SmtpConnection::start_tls(boost::asio::ssl::context& ctx, const std::string& sni) {
  forget_plaintext_after_starttls(pending_, defects_);
  if (auto ec = wire_.start_tls(ctx, sni); ec) {
    wire_.close();
    return ec.message();
  }
  return {};
}

void SmtpConnection::quit() {
  SmtpReply ignored;
  if (command("QUIT", ignored).empty()) wire_.close();
}

}  // namespace stslab::sender
