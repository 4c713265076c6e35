// A receiving MX as plain data: what it is called, where it listens, what it advertises, which
// certificate it shows after STARTTLS, which replies it gives at each stage and its limits.
// The harness builds these (or changes them at run time through SmtpServer's setters); the
// protocol and the session only read them.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stslab/core/pki.hpp"
#include "stslab/core/tls.hpp"

namespace stslab::smtp {

// Where in the dialogue a configured reply replaces the normal one.
enum class Stage {
  banner,       // the greeting (e.g. 554 = "no service here", 421 = "busy, go away")
  ehlo,         // EHLO and HELO
  starttls,     // the STARTTLS command (e.g. 454 4.7.0 TLS not available)
  mail,         // MAIL FROM
  rcpt,         // every RCPT TO (use `match` to target one recipient)
  data,         // the DATA command (normally 354)
  end_of_data,  // after the final "." (or the last BDAT chunk)
};

std::string_view to_string(Stage s);
// "banner", "ehlo", "starttls", "mail", "rcpt", "data", "end_of_data" ('-' also accepted).
// Throws std::invalid_argument naming the bad value.
Stage parse_stage(std::string_view name);

// A reply the vhost gives at `stage` instead of the normal one, e.g.
// {Stage::rcpt, 451, "4.7.1 try later"}. A 2xx/3xx reply lets the dialogue proceed as if the
// normal reply had been given; 4xx/5xx refuses that step. 421 always closes the connection.
struct StageReply {
  Stage stage = Stage::rcpt;
  int code = 451;
  std::string text = "4.7.1 Try again later";  // '\n' separates lines of a multiline reply
  // Only when the command line contains this (case-insensitive); "" = always. E.g. match
  // "@b.test" to refuse just the recipients in b.test. At end_of_data it is matched against
  // the envelope written as "FROM:<a@x> TO:<b@y> TO:<c@z>"; at banner only "" matches.
  std::string match;
  bool close = false;  // close the connection after this reply (implied by 421)
};

// What EHLO advertises. Only what is advertised is accepted (STARTTLS, BDAT, SMTPUTF8).
struct Capabilities {
  bool starttls = true;
  std::optional<std::uint64_t> size = 10 * 1024 * 1024;  // "SIZE n"; nullopt = not advertised
  bool pipelining = true;
  bool eight_bit_mime = true;
  bool enhanced_status_codes = true;  // also decides whether our own replies carry x.y.z codes
  bool smtputf8 = false;
  bool chunking = false;           // BDAT (RFC 3030)
  std::vector<std::string> extra;  // more EHLO keywords, sent verbatim
};

// The certificate shown after STARTTLS, whatever the client's SNI (and when there is none).
struct CertSpec {
  core::CertProfile profile = core::CertProfile::valid;
  core::KeyType key_type = core::KeyType::rsa2048;
  std::string host;                            // name to mint for; "" = the vhost name
  std::optional<core::Credential> credential;  // use this instead of minting
};

struct Limits {
  std::uint64_t max_message_size = 10 * 1024 * 1024;  // bigger -> 552 5.3.4 after the data
  int max_errors = 10;  // this many client errors (5xx for syntax/sequence) -> 421, close
  std::size_t max_recipients = 100;                                   // more -> 452 4.5.3
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(60);  // no input -> 421, close
  std::size_t max_line_length = 1000;  // octets including CRLF (RFC 5321 4.5.3.1.4)
};

struct Vhost {
  std::string name = "mx.default.test";  // EHLO/banner name; the journal's host
  // Where it listens (loopback only; port 0 = ephemeral). Connections arriving on these local
  // addresses get this vhost.
  std::vector<boost::asio::ip::tcp::endpoint> listen;
  std::string banner_text;  // after "220 "; "" = "<name> ESMTP stslab"
  Capabilities caps;
  CertSpec cert;
  core::TlsVersionBounds tls;       // for STARTTLS
  std::vector<StageReply> replies;  // first match per stage wins
  Limits limits;
};

}  // namespace stslab::smtp
