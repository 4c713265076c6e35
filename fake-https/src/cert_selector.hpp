// Picks the certificate for each connection from its ClientHello: the vhost named by SNI, else
// the vhost owning the local address, else the fallback. It runs in OpenSSL's ClientHello
// callback, before version negotiation, so it can also apply the vhost's TLS version bounds.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "stslab/core/pki.hpp"
#include "stslab/core/tls.hpp"
#include "vhost_registry.hpp"

namespace stslab::https {

// One connection's selection: the local address goes in, the decision comes out.
struct CertSelection {
  boost::asio::ip::address local_address;

  bool client_hello_seen = false;
  std::optional<std::string> sni;  // lowercased; nullopt when the client sent none
  std::string vhost;               // the vhost whose certificate was chosen; "" = fallback
  std::string selected_by;         // "sni" | "local_address" | "fallback"
  std::string cert_host;
  core::CertProfile cert_profile = core::CertProfile::valid;
  std::optional<std::uint8_t> alert_sent;  // the vhost's scripted handshake_alert, if sent
  VhostSnapshot entry;                     // keeps the chosen SSL_CTX alive
};

class CertSelector {
 public:
  CertSelector(const VhostRegistry& vhosts, core::Credential fallback,
               core::TlsVersionBounds fallback_tls);

  // Makes `base` (the fallback's context) consult this selector on every ClientHello.
  void install(SSL_CTX* base) const;
  // Ties a connection's SSL to its selection record, which must outlive the handshake.
  static void attach(SSL* ssl, CertSelection* selection);

  const core::Credential& fallback() const { return fallback_; }

 private:
  static int on_client_hello(SSL* ssl, int* alert, void* arg);
  int select(SSL* ssl, CertSelection& selection, int* alert) const;

  const VhostRegistry& vhosts_;
  core::Credential fallback_;
  core::TlsVersionBounds fallback_tls_;
};

}  // namespace stslab::https
