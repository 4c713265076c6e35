// `stslab-sender send`: one delivery attempt for one message, as a library call so that tests
// can run it in-process. The result is the JSON line the program prints and its exit status.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>

#include "stslab/sender/defects.hpp"

namespace stslab::sender {

// sysexits.h values, which the harness reads.
inline constexpr int kExitDelivered = 0;
inline constexpr int kExitUsage = 64;
inline constexpr int kExitBounced = 69;
inline constexpr int kExitDeferred = 75;

struct SendOptions {
  std::string from;
  std::string to;
  std::string message_file;
  std::string state_dir;
  std::string key_dir;     // whose dkim/ holds the report signing key; "" = state_dir
  std::string message_id;  // generated when empty
  DefectSet defects;
  std::string dns;  // "" = /etc/resolv.conf
  std::uint16_t smtp_port = 25;
  std::uint16_t https_port = 443;
  std::string ca_file;                       // "" = SSL_CERT_FILE or the system default
  std::string helo;                          // "" = the host name
  std::chrono::milliseconds timeout{10000};  // per network step
};

struct SendResult {
  nlohmann::json line;  // what goes to stdout
  int exit_code = kExitDeferred;
};

// Never throws for network or peer trouble: every failure becomes a reason. Problems with the
// options themselves (unreadable message file, bad --dns) give exit 64 and a message in
// `diag`, with `line` null.
SendResult send_message(const SendOptions& options, std::ostream& diag);

// The EHLO name when none is given: the host name, else "localhost".
std::string local_host_name();

}  // namespace stslab::sender
