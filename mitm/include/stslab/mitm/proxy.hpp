// stslab::mitm — the attacker. A Proxy sits between the sending MTA and one MX, reads the SMTP
// conversation line by line and applies a named downgrade attack to it.
//
//   mitm::Proxy proxy(io, journal, pki, {.name = "mx1.a.test",
//                                        .listen = {{make_address("127.0.0.20"), 25}},
//                                        .upstream = {make_address("127.0.0.21"), 25}});
//   proxy.start();                                   // binds; endpoints() has the real ports
//   proxy.set_attack(mitm::AttackSpec::parse("strip-starttls"));   // any thread, any time
//   proxy.set_attack({"intercept-tls", {{"profile", "untrusted_ca"}}});
//   proxy.stop();
//
// Attacks (attack_registry.hpp has the list; AttackRegistry::instance().names()):
//   pass, strip-starttls, starttls-454, inject-after-starttls, intercept-tls, drop-after-ehlo.
// A session keeps the attack and upstream that were current when it was accepted, so switching
// the attacker mid-scenario affects the next connection, never a half-done one.
//
// Safety: the proxy listens on and connects to loopback addresses only (constructor and setters
// throw std::invalid_argument otherwise, and every connect re-checks).
//
// Events (Source::mitm, host = name, domain = recipient domain once seen, else name):
// mitm.session.open, mitm.attack, mitm.client_command, mitm.plaintext_mail,
// mitm.intercepted_mail, mitm.tls, mitm.passthrough, mitm.upstream_error, mitm.bad_input,
// mitm.accept_error, mitm.session.close. docs/events/mitm.md has the fields.
//
// How it reads a session: lock step (client command -> attack -> MX -> reply -> attack ->
// client), DATA bodies and BDAT chunks relayed as bytes, and after a real STARTTLS between the
// two ends (pass, inject-after-starttls) an opaque byte relay both ways. While it waits for the
// client it keeps a read open on the MX, so an MX that says 421 and hangs up is passed on at once.
// Threading: every session and listener runs on its own strand; the io_context may run on many
// threads. The Journal must outlive the io_context's handlers (sessions write to it).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "stslab/core/journal.hpp"
#include "stslab/core/pki.hpp"
#include "stslab/mitm/attack.hpp"

namespace stslab::mitm {

struct Options {
  std::string name;  // the MX this proxy fronts, e.g. "mx1.a.test": journal host, cert default
  std::vector<boost::asio::ip::tcp::endpoint> listen;  // loopback only; port 0 = ephemeral
  boost::asio::ip::tcp::endpoint upstream;             // the real (fake) MX; loopback only
  AttackSpec attack;                                   // default "pass"
  // A session with no traffic either way for this long is closed ("idle-timeout"). Longer
  // than any MTA's own SMTP timeouts, so it only reaps dead peers.
  std::chrono::milliseconds idle_timeout = std::chrono::minutes(10);
  std::size_t max_line = 4096;         // longer client or upstream lines end the session
  std::size_t max_reply_lines = 1000;  // a reply with more lines ends the session
};

class Proxy {
 public:
  // Throws std::invalid_argument for a non-loopback listen or upstream endpoint, or an attack
  // the registry cannot build.
  Proxy(boost::asio::io_context& io, core::Journal& journal, core::LabPki& pki, Options options);
  ~Proxy();  // stop()
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

  // Opens the listeners (throws boost::system::system_error if a bind fails).
  void start();
  // Closes the listeners and every open session (which journal mitm.session.close with how
  // "stopped" once the io_context runs them down). Does not block. Thread-safe.
  void stop();

  const std::string& name() const;
  // The bound listen endpoints (real ports after start()).
  std::vector<boost::asio::ip::tcp::endpoint> endpoints() const;

  // Thread-safe; they apply to connections accepted afterwards.
  void set_attack(const AttackSpec& spec);  // throws std::invalid_argument (unknown name ...)
  AttackSpec attack() const;
  void set_upstream(const boost::asio::ip::tcp::endpoint& upstream);  // throws if not loopback
  boost::asio::ip::tcp::endpoint upstream() const;

  std::size_t active_sessions() const;

  struct Shared;  // state the sessions share with the proxy (src/proxy_shared.hpp)

 private:
  std::shared_ptr<Shared> shared_;
};

}  // namespace stslab::mitm
