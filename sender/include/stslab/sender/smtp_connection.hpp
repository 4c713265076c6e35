// A client SMTP connection: commands out, whole replies in, STARTTLS in the middle.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <string>

#include "stslab/sender/defects.hpp"
#include "stslab/sender/smtp_reply.hpp"
#include "stslab/sender/wire.hpp"

namespace stslab::sender {

class SmtpConnection {
 public:
  SmtpConnection(std::chrono::milliseconds step_timeout, const DefectSet& defects);

  // Each returns "" on success, else what went wrong (the connection is then unusable).
  std::string connect(const boost::asio::ip::tcp::endpoint& to);
  std::string read_reply(SmtpReply& out);
  // Sends `line` + CRLF and reads the reply.
  std::string command(const std::string& line, SmtpReply& out);
  std::string send_raw(std::string_view bytes);
  // Call after the 220 reply to STARTTLS: drops buffered plaintext (RFC 3207 §4.2), then
  // does the handshake with `sni`.
  std::string start_tls(boost::asio::ssl::context& ctx, const std::string& sni);
  // QUIT, best effort.
  void quit();
  void close() { wire_.close(); }

  Wire& wire() { return wire_; }

 private:
  Wire wire_;
  DefectSet defects_;
  std::string pending_;  // bytes received but not yet taken as a reply
};

}  // namespace stslab::sender
