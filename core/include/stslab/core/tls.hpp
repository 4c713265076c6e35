// TLS helpers shared by every fake that speaks TLS: server contexts from lab credentials, the
// facts of a finished handshake for the journal, and a readable reason for a failed one.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "stslab/core/pki.hpp"

namespace stslab::core {

enum class TlsVersion { tls1_0, tls1_1, tls1_2, tls1_3 };

std::string_view to_string(TlsVersion v);          // "TLSv1.2", ...
TlsVersion parse_tls_version(std::string_view s);  // accepts "1.2", "TLSv1.2", "tls1.2"
int openssl_version_constant(TlsVersion v);        // TLS1_2_VERSION, ...

struct TlsVersionBounds {
  TlsVersion min = TlsVersion::tls1_2;
  TlsVersion max = TlsVersion::tls1_3;
};

// A server context that presents `cred` (leaf + chain) within `bounds`. Old versions below
// TLS 1.2 need OpenSSL's security level 0, which this sets when asked for them.
std::shared_ptr<boost::asio::ssl::context> make_server_context(const Credential& cred,
                                                               TlsVersionBounds bounds = {});

// A client context for tests: trusts `ca_pem` (may be empty = trust nothing) and, when
// `verify_host` is non-empty, checks the certificate names that host. Checks validity dates at
// the lab's starting time (lab_start_offset()).
std::shared_ptr<boost::asio::ssl::context> make_client_context(const std::string& ca_pem,
                                                               const std::string& verify_host);

// Facts of an established session: {"version", "cipher", "sni"} (sni null when absent).
nlohmann::json session_facts(SSL* ssl);

// A readable reason for a failed handshake or TLS read. Names the alert when the peer sent one
// ("peer sent alert: unknown ca"); otherwise OpenSSL's reason string or the error's message.
std::string describe_tls_error(const boost::system::error_code& ec);
// The alert description the peer sent ("unknown ca", "bad certificate", "certificate expired",
// ...), or "" when the error was not a received alert.
std::string received_alert(const boost::system::error_code& ec);

}  // namespace stslab::core
