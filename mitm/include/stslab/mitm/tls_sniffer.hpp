// Watches one direction of a TLS stream the proxy cannot decrypt (pass, inject-after-starttls)
// and keeps what the record headers give away: did a TLS handshake start at all, how many
// records of each type went by, and any alert sent in the clear. Enough to tell "the client
// started TLS and sent application data" from "it aborted" without the keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace stslab::mitm {

class TlsRecordSniffer {
 public:
  void feed(std::string_view bytes);

  std::uint64_t bytes() const { return bytes_; }
  bool started_tls() const { return first_ == First::tls_handshake; }
  bool spoke_plaintext() const { return first_ == First::plaintext; }
  std::uint64_t handshake_records() const { return counts_[22 - 20]; }
  std::uint64_t alert_records() const { return counts_[21 - 20]; }
  std::uint64_t application_data_records() const { return counts_[23 - 20]; }
  // application_data records of the size of a TLS 1.3 encrypted alert (2 bytes + type + tag).
  std::uint64_t alert_sized_application_records() const { return alert_sized_; }
  const std::string& plaintext_alert() const { return alert_; }  // "" if none seen

  // {"first": "none"|"tls-handshake"|"tls-other"|"plaintext", "bytes", "records": {...},
  //  "alert": string|null, "plaintext_preview": string (only when first is plaintext)}
  nlohmann::json summary() const;

 private:
  enum class First { none, tls_handshake, tls_other, plaintext };
  First first_ = First::none;
  std::uint64_t bytes_ = 0;
  std::uint64_t counts_[5] = {};  // content types 20..24
  std::uint64_t alert_sized_ = 0;
  bool lost_sync_ = false;
  unsigned char header_[5] = {};
  std::size_t header_have_ = 0;
  std::size_t body_left_ = 0;
  bool capture_alert_ = false;
  std::string alert_body_;
  std::string alert_;
  std::string preview_;
};

// The name of a TLS alert description code ("bad_certificate", ...), or "alert <n>".
std::string tls_alert_name(int description);

}  // namespace stslab::mitm
