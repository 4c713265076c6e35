// A message the fake MX accepted (final reply 2xx), kept in memory for the harness and for the
// TLS-RPT receiver that builds on the fake MX.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace stslab::smtp {

struct StoredMessage {
  std::uint64_t id = 0;       // 1, 2, 3 ... per server, in acceptance order
  std::uint64_t session = 0;  // the session id in the journal's smtp.* events
  std::string queue_id;       // what the 250 reply said ("<session>.<n>")
  std::string vhost;          // name of the vhost that accepted it
  std::string helo;           // the EHLO/HELO argument in force
  std::string mail_from;      // reverse-path without the angle brackets ("" = null sender)
  std::vector<std::string> mail_params;  // e.g. "SIZE=123", "BODY=8BITMIME"
  std::vector<std::string> rcpts;        // forward-paths without the angle brackets
  std::string data;                      // dot-unstuffed, CRLF line ends, without the final ".\r\n"
  std::string sha256;                    // lowercase hex of `data`
  bool chunked = false;                  // arrived by BDAT
  bool tls = false;
  std::string tls_version;  // "TLSv1.3"; "" without TLS
  std::string tls_cipher;
  std::string sni;  // "" when none was sent
  boost::asio::ip::tcp::endpoint peer;
  boost::asio::ip::tcp::endpoint local;
  std::uint64_t journal_seq = 0;  // seq of its smtp.message event
};

}  // namespace stslab::smtp
