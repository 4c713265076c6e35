#include "stslab/sender/trust.hpp"

#include <openssl/ssl.h>

#include <cstdlib>
#include <stdexcept>

namespace stslab::sender {

Trust::Trust(const std::string& ca_file)
    : ctx_(std::make_unique<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client)) {
  // §7.2 needs TLS 1.2 or later; older versions are not offered at all.
  SSL_CTX_set_min_proto_version(ctx_->native_handle(), TLS1_2_VERSION);
  std::string file = ca_file;
  if (file.empty()) {
    if (const char* env = std::getenv("SSL_CERT_FILE"); env && *env) file = env;
  }
  boost::system::error_code ec;
  if (!file.empty()) {
    ctx_->load_verify_file(file, ec);
    const std::string why = "cannot load CA file " + file + ": " + ec.message();
    // A bad --ca-file is the caller's mistake (usage); a bad environment is the machine's.
    if (ec && !ca_file.empty()) throw std::invalid_argument(why);
    if (ec) throw std::runtime_error(why);
  } else {
    ctx_->set_default_verify_paths(ec);
    if (ec) throw std::runtime_error("cannot load the default CA paths: " + ec.message());
  }
}

X509_STORE* Trust::store() const {
  return SSL_CTX_get_cert_store(ctx_->native_handle());
}

}  // namespace stslab::sender
