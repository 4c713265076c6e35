#include "stslab/core/tls.hpp"

#include <openssl/err.h>

#include <boost/asio/ssl/error.hpp>
#include <stdexcept>

#include "stslab/core/clock.hpp"

namespace stslab::core {

std::string_view to_string(TlsVersion v) {
  switch (v) {
    case TlsVersion::tls1_0:
      return "TLSv1";
    case TlsVersion::tls1_1:
      return "TLSv1.1";
    case TlsVersion::tls1_2:
      return "TLSv1.2";
    case TlsVersion::tls1_3:
      return "TLSv1.3";
  }
  return "unknown";
}

TlsVersion parse_tls_version(std::string_view s) {
  std::string v(s);
  for (const char* prefix : {"TLSv", "tlsv", "TLS", "tls"}) {
    if (v.rfind(prefix, 0) == 0) {
      v = v.substr(std::string_view(prefix).size());
      break;
    }
  }
  if (v == "1" || v == "1.0") return TlsVersion::tls1_0;
  if (v == "1.1") return TlsVersion::tls1_1;
  if (v == "1.2") return TlsVersion::tls1_2;
  if (v == "1.3") return TlsVersion::tls1_3;
  throw std::invalid_argument("unknown TLS version '" + std::string(s) +
                              "' (known: 1.0, 1.1, 1.2, 1.3)");
}

int openssl_version_constant(TlsVersion v) {
  switch (v) {
    case TlsVersion::tls1_0:
      return TLS1_VERSION;
    case TlsVersion::tls1_1:
      return TLS1_1_VERSION;
    case TlsVersion::tls1_2:
      return TLS1_2_VERSION;
    case TlsVersion::tls1_3:
      return TLS1_3_VERSION;
  }
  return 0;
}

std::shared_ptr<boost::asio::ssl::context> make_server_context(const Credential& cred,
                                                               TlsVersionBounds bounds) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::single_dh_use);
  ctx->use_certificate_chain(boost::asio::buffer(cred.chain_pem));
  ctx->use_private_key(boost::asio::buffer(cred.key_pem), ssl::context::pem);
  SSL_CTX* native = ctx->native_handle();
  if (bounds.min < TlsVersion::tls1_2) {
    // OpenSSL 3 refuses TLS 1.0/1.1 at the default security level; a lab that plays an old
    // server has to lower it.
    SSL_CTX_set_security_level(native, 0);
    SSL_CTX_set_cipher_list(native, "DEFAULT:@SECLEVEL=0");
  }
  SSL_CTX_set_min_proto_version(native, openssl_version_constant(bounds.min));
  SSL_CTX_set_max_proto_version(native, openssl_version_constant(bounds.max));
  return ctx;
}

std::shared_ptr<boost::asio::ssl::context> make_client_context(const std::string& ca_pem,
                                                               const std::string& verify_host) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  if (!ca_pem.empty()) ctx->add_certificate_authority(boost::asio::buffer(ca_pem));
  ctx->set_verify_mode(ca_pem.empty() ? ssl::verify_none : ssl::verify_peer);
  X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx->native_handle());
  if (const auto offset = lab_start_offset(); offset != LabClock::duration::zero()) {
    // A client of a lab that starts at another instant (STSLAB_LAB_START) checks the lab's
    // certificates at the lab's time, as one under libfaketime would.
    X509_VERIFY_PARAM_set_time(
        param, std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + offset));
  }
  if (!verify_host.empty()) {
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    X509_VERIFY_PARAM_set1_host(param, verify_host.c_str(), verify_host.size());
  }
  return ctx;
}

nlohmann::json session_facts(SSL* ssl) {
  nlohmann::json facts = {
      {"version", SSL_get_version(ssl)}, {"cipher", SSL_get_cipher_name(ssl)}, {"sni", nullptr}};
  if (const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) facts["sni"] = sni;
  return facts;
}

std::string received_alert(const boost::system::error_code& ec) {
  if (ec.category() != boost::asio::error::get_ssl_category()) return "";
  // OpenSSL encodes "the peer sent alert N" as reason SSL_AD_REASON_OFFSET + N.
  const int reason = ERR_GET_REASON(static_cast<unsigned long>(ec.value()));
  if (reason < SSL_AD_REASON_OFFSET || reason > SSL_AD_REASON_OFFSET + 255) return "";
  return SSL_alert_desc_string_long(reason - SSL_AD_REASON_OFFSET);
}

std::string describe_tls_error(const boost::system::error_code& ec) {
  if (ec == boost::asio::ssl::error::stream_truncated) {
    return "peer closed the connection without close_notify";
  }
  if (auto alert = received_alert(ec); !alert.empty()) return "peer sent alert: " + alert;
  if (ec.category() == boost::asio::error::get_ssl_category()) {
    const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
    if (reason) return reason;
  }
  return ec.message();
}

}  // namespace stslab::core
