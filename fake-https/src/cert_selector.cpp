#include "cert_selector.hpp"

#include <span>

#include "stslab/https/names.hpp"

namespace stslab::https {
namespace {

// Our own ex_data slot: Asio keeps its verify callback in the SSL's app_data slot.
int selection_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

void apply_bounds(SSL* ssl, core::TlsVersionBounds bounds) {
  SSL_set_min_proto_version(ssl, core::openssl_version_constant(bounds.min));
  SSL_set_max_proto_version(ssl, core::openssl_version_constant(bounds.max));
  if (bounds.min < core::TlsVersion::tls1_2) {
    // As make_server_context does: TLS 1.0/1.1 only work at security level 0. The level travels
    // with the certificate that SSL_set_SSL_CTX copies; the cipher list does not.
    SSL_set_security_level(ssl, 0);
    SSL_set_cipher_list(ssl, "DEFAULT:@SECLEVEL=0");
  }
}

}  // namespace

CertSelector::CertSelector(const VhostRegistry& vhosts, core::Credential fallback,
                           core::TlsVersionBounds fallback_tls)
    : vhosts_(vhosts), fallback_(std::move(fallback)), fallback_tls_(fallback_tls) {}

void CertSelector::install(SSL_CTX* base) const {
  SSL_CTX_set_client_hello_cb(base, &CertSelector::on_client_hello,
                              const_cast<CertSelector*>(this));
}

void CertSelector::attach(SSL* ssl, CertSelection* selection) {
  SSL_set_ex_data(ssl, selection_index(), selection);
}

int CertSelector::on_client_hello(SSL* ssl, int* alert, void* arg) {
  auto* selection = static_cast<CertSelection*>(SSL_get_ex_data(ssl, selection_index()));
  if (selection == nullptr) return SSL_CLIENT_HELLO_SUCCESS;  // not one of our sessions
  try {
    return static_cast<const CertSelector*>(arg)->select(ssl, *selection, alert);
  } catch (...) {
    // Never let an exception cross OpenSSL's C frames.
    *alert = SSL_AD_INTERNAL_ERROR;
    return SSL_CLIENT_HELLO_ERROR;
  }
}

int CertSelector::select(SSL* ssl, CertSelection& selection, int* alert) const {
  // After a HelloRetryRequest the callback runs again for the second ClientHello: keep the first
  // decision (a client may not change its SNI in between).
  if (selection.client_hello_seen) return SSL_CLIENT_HELLO_SUCCESS;
  selection.client_hello_seen = true;

  const unsigned char* ext = nullptr;
  std::size_t ext_len = 0;
  if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &ext, &ext_len) == 1) {
    selection.sni = parse_sni_extension(std::span(ext, ext_len));
  }

  VhostSnapshot entry;
  if (selection.sni) {
    // A known SNI wins; an unknown one gets the fallback, not the address's vhost: a client that
    // named a host must see whether that host has a certificate here.
    entry = vhosts_.find(*selection.sni);
    if (entry) selection.selected_by = "sni";
  } else {
    entry = vhosts_.find_by_address(selection.local_address);
    if (entry) selection.selected_by = "local_address";
  }

  if (!entry) {
    selection.selected_by = "fallback";
    selection.cert_host = fallback_.host;
    selection.cert_profile = fallback_.profile;
    apply_bounds(ssl, fallback_tls_);
    return SSL_CLIENT_HELLO_SUCCESS;
  }

  selection.vhost = entry->config.name;
  selection.cert_host = entry->credential.host;
  selection.cert_profile = entry->credential.profile;
  selection.entry = entry;
  if (entry->config.handshake_alert) {
    selection.alert_sent = entry->config.handshake_alert;
    *alert = *entry->config.handshake_alert;
    return SSL_CLIENT_HELLO_ERROR;
  }
  if (SSL_set_SSL_CTX(ssl, entry->context->native_handle()) == nullptr) {
    *alert = SSL_AD_INTERNAL_ERROR;
    return SSL_CLIENT_HELLO_ERROR;
  }
  apply_bounds(ssl, entry->config.tls);
  return SSL_CLIENT_HELLO_SUCCESS;
}

}  // namespace stslab::https
