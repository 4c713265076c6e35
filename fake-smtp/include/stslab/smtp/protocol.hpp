// The ESMTP server dialogue as a state machine apart from the socket: fed the bytes a client
// sent, it returns what happened in order (commands seen, replies to send, messages accepted)
// and what the session must do next (start TLS, close). No I/O, no clocks, no journal: the
// session does those, so every rule here is unit-tested with plain strings.
//
//   SmtpProtocol p(vhost, session_id);
//   auto out = p.greet();                  // the banner
//   out = p.feed("EHLO client\r\n");       // Command, Reply 250-...
//   out = p.feed("STARTTLS\r\n");          // Command, Reply 220, StartTls{discarded}
//   p.tls_started();                       // after the handshake: back to "EHLO first"
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "stslab/smtp/data_decoder.hpp"
#include "stslab/smtp/vhost.hpp"

namespace stslab::smtp {

enum class State {
  connected,    // banner sent, waiting for EHLO/HELO
  greeted,      // EHLO/HELO done, no transaction
  mail,         // MAIL accepted, waiting for RCPT
  rcpt,         // at least one RCPT accepted
  data,         // reading message data after 354
  bdat,         // reading a BDAT chunk
  rejected,     // banner refused service (554): only QUIT is useful
  tls_pending,  // 220 to STARTTLS given; the session must hand-shake, then call tls_started()
  closed,
};
std::string_view to_string(State s);

// Why the protocol ended the session.
enum class CloseReason { quit, timeout, too_many_errors, refused, server_stop };
std::string_view to_string(CloseReason r);

struct Reply {
  int code = 250;
  std::vector<std::string> lines;  // one entry per line; at least one
  std::string text() const;        // lines joined by '\n'
  std::string wire() const;        // "250-a\r\n250 b\r\n"
};

// A command line as received, for the journal: AUTH payloads redacted, octets that are not
// printable ASCII or valid UTF-8 written as \xNN, an overlong line cut to its first 128 octets.
struct Command {
  std::string line;
  bool bare_lf = false;   // ended by LF without CR
  bool overlong = false;  // longer than Limits::max_line_length; refused with 500 5.5.2
};

struct AcceptedMessage {
  std::string queue_id;
  std::string helo;
  std::string mail_from;
  std::vector<std::string> mail_params;
  std::vector<std::string> rcpts;
  std::string data;
  bool chunked = false;
};

// A message that ran through DATA/BDAT but was refused at the end (too big, or a configured
// end_of_data reply). Its data is not kept.
struct RefusedMessage {
  std::string mail_from;
  std::vector<std::string> rcpts;
  std::uint64_t size = 0;  // octets received (unstuffed), also past the size cap
  int code = 0;
  std::string reason;  // "too_big" | "configured"
};

// The client's STARTTLS was accepted: send the pending replies, then hand-shake. Bytes that
// arrived after the STARTTLS line, before the handshake, were thrown away (CVE-2011-0411 class).
struct StartTls {
  std::size_t discarded_bytes = 0;
};

struct Close {
  CloseReason how = CloseReason::quit;
};

using Output = std::variant<Command, Reply, AcceptedMessage, RefusedMessage, StartTls, Close>;
using Outputs = std::vector<Output>;

class SmtpProtocol {
 public:
  // `tls_available` false makes STARTTLS answer 454 (e.g. the vhost's certificate failed).
  SmtpProtocol(std::shared_ptr<const Vhost> vhost, std::uint64_t session_id,
               bool tls_available = true);

  // The banner (or the configured banner reply).
  Outputs greet();
  // Bytes from the client. Stops early after StartTls or Close; the rest is discarded.
  Outputs feed(std::string_view bytes);
  // The TLS handshake after StartTls succeeded: state resets to `connected` (RFC 3207: the
  // client must EHLO again, earlier EHLO and envelope are forgotten).
  void tls_started();
  // The client sent nothing for the idle timeout: 421 and Close{timeout}.
  Outputs idle_timeout();
  // The server is shutting down: 421 and Close{server_stop}.
  Outputs shutdown();

  State state() const { return state_; }
  bool tls() const { return tls_; }
  bool starttls_offered() const { return starttls_offered_; }  // advertised in some EHLO reply
  int errors() const { return errors_; }
  const std::string& helo() const { return helo_; }
  // The first recipient's domain (lowercase) once a RCPT was accepted in this session, else "".
  const std::string& recipient_domain() const { return rcpt_domain_; }
  const Vhost& vhost() const { return *vhost_; }

 private:
  void on_line(std::string_view line, bool bare_lf, Outputs& out);
  void on_overlong_line(Outputs& out);
  void on_data_bytes(std::string_view& bytes, Outputs& out);
  void on_bdat_bytes(std::string_view& bytes, Outputs& out);
  void finish_message(Outputs& out);

  void cmd_ehlo(std::string_view verb, std::string_view arg, Outputs& out);
  void cmd_starttls(std::string_view arg, Outputs& out);
  void cmd_mail(std::string_view arg, Outputs& out);
  void cmd_rcpt(std::string_view arg, Outputs& out);
  void cmd_data(std::string_view arg, Outputs& out);
  void cmd_bdat(std::string_view arg, Outputs& out);
  void cmd_rset(std::string_view arg, Outputs& out);

  // Replies: ours carry an enhanced code when ENHANCEDSTATUSCODES is advertised.
  void reply(Outputs& out, int code, std::string_view enhanced, std::string_view text);
  void client_error(Outputs& out, int code, std::string_view enhanced, std::string_view text);
  // The configured reply for `stage` matching `line`, if any: emits it and returns true.
  // Sets `refused` when it was 4xx/5xx; closes on 421 or `close`.
  bool configured(Stage stage, std::string_view line, Outputs& out, bool& refused);
  const StageReply* find_configured(Stage stage, std::string_view line) const;
  void emit_configured(const StageReply& r, Outputs& out, bool& refused);
  void close(Outputs& out, CloseReason how);
  void reset_transaction();

  std::shared_ptr<const Vhost> vhost_;
  std::uint64_t session_id_;
  bool tls_available_;
  State state_ = State::connected;
  bool tls_ = false;
  bool starttls_offered_ = false;
  bool esmtp_ = false;  // EHLO (not HELO) in force
  int errors_ = 0;
  std::string helo_;
  std::string rcpt_domain_;

  std::string current_line_;  // the command being handled, for StageReply::match

  // Command-line framing.
  std::string line_;
  bool overlong_ = false;  // discarding the rest of a too-long line

  // The transaction.
  std::string mail_from_;
  std::vector<std::string> mail_params_;
  std::vector<std::string> rcpts_;
  std::string data_;
  std::uint64_t data_size_ = 0;  // octets received, also those dropped past the size cap
  bool chunked_ = false;
  DataDecoder decoder_;
  std::uint64_t bdat_left_ = 0;  // octets of the current chunk still to come
  bool bdat_last_ = false;
  // A refused BDAT is still read (RFC 3030); this reply is given once its chunk is consumed.
  std::optional<Reply> bdat_refusal_;
  State bdat_return_ = State::greeted;
  int messages_ = 0;  // for queue ids
};

}  // namespace stslab::smtp
