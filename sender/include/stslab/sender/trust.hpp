// The trusted roots and the TLS client context built on them. The roots come from --ca-file,
// else SSL_CERT_FILE, else OpenSSL's default paths: inside the lab the system bundle is the
// lab CA.
#pragma once

#include <openssl/x509.h>

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

namespace stslab::sender {

class Trust {
 public:
  // Throws std::invalid_argument when `ca_file` cannot be loaded, std::runtime_error when the
  // SSL_CERT_FILE or default roots cannot.
  explicit Trust(const std::string& ca_file);

  // A client context for both the policy fetch and STARTTLS. It verifies nothing by itself
  // (cert_check does that, so each failure can be named); it only carries the roots.
  boost::asio::ssl::context& context() { return *ctx_; }
  X509_STORE* store() const;

 private:
  std::unique_ptr<boost::asio::ssl::context> ctx_;
};

}  // namespace stslab::sender
