#include "stslab/mitm/tls_sniffer.hpp"

#include <algorithm>

namespace stslab::mitm {

void TlsRecordSniffer::feed(std::string_view bytes) {
  if (bytes.empty()) return;
  bytes_ += bytes.size();
  if (first_ == First::none) {
    const auto type = static_cast<unsigned char>(bytes.front());
    first_ = type == 22 ? First::tls_handshake
                        : (type >= 20 && type <= 24 ? First::tls_other : First::plaintext);
  }
  if (first_ == First::plaintext) {
    for (char c : bytes) {
      if (preview_.size() >= 80) break;
      preview_ += (c >= 0x20 && c < 0x7f) ? c : (c == '\r' || c == '\n' ? ' ' : '.');
    }
    return;
  }
  while (!bytes.empty() && !lost_sync_) {
    if (body_left_ > 0) {
      const auto n = std::min(body_left_, bytes.size());
      if (capture_alert_) alert_body_.append(bytes.substr(0, n));
      body_left_ -= n;
      bytes.remove_prefix(n);
      if (body_left_ == 0 && capture_alert_) {
        capture_alert_ = false;
        if (alert_.empty() && alert_body_.size() == 2) {
          alert_ = tls_alert_name(static_cast<unsigned char>(alert_body_[1]));
        }
      }
      continue;
    }
    header_[header_have_++] = static_cast<unsigned char>(bytes.front());
    bytes.remove_prefix(1);
    if (header_have_ < 5) continue;
    header_have_ = 0;
    const unsigned type = header_[0];
    const std::size_t length = (std::size_t{header_[3]} << 8) | header_[4];
    if (type < 20 || type > 24 || header_[1] != 3 || length > 18432) {
      lost_sync_ = true;  // not TLS (any more): stop interpreting
      break;
    }
    ++counts_[type - 20];
    if (type == 23 && length == 19) ++alert_sized_;
    // An alert in the clear is 2 bytes (level, description); encrypted ones are longer.
    capture_alert_ = type == 21 && length == 2;
    alert_body_.clear();
    body_left_ = length;
  }
}

nlohmann::json TlsRecordSniffer::summary() const {
  static constexpr const char* kFirst[] = {"none", "tls-handshake", "tls-other", "plaintext"};
  nlohmann::json out = {
      {"first", kFirst[static_cast<int>(first_)]},
      {"bytes", bytes_},
      {"records",
       {{"change_cipher_spec", counts_[0]},
        {"alert", counts_[1]},
        {"handshake", counts_[2]},
        {"application_data", counts_[3]}}},
      {"alert", alert_.empty() ? nlohmann::json(nullptr) : nlohmann::json(alert_)},
  };
  if (lost_sync_) out["lost_sync"] = true;
  if (first_ == First::plaintext) out["plaintext_preview"] = preview_;
  return out;
}

std::string tls_alert_name(int description) {
  switch (description) {
    case 0:
      return "close_notify";
    case 10:
      return "unexpected_message";
    case 20:
      return "bad_record_mac";
    case 40:
      return "handshake_failure";
    case 42:
      return "bad_certificate";
    case 43:
      return "unsupported_certificate";
    case 44:
      return "certificate_revoked";
    case 45:
      return "certificate_expired";
    case 46:
      return "certificate_unknown";
    case 47:
      return "illegal_parameter";
    case 48:
      return "unknown_ca";
    case 50:
      return "decode_error";
    case 51:
      return "decrypt_error";
    case 70:
      return "protocol_version";
    case 80:
      return "internal_error";
    case 90:
      return "user_canceled";
    case 109:
      return "missing_extension";
    case 112:
      return "unrecognized_name";
    case 116:
      return "certificate_required";
    case 120:
      return "no_application_protocol";
    default:
      return "alert " + std::to_string(description);
  }
}

}  // namespace stslab::mitm
