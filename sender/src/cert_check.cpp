#include "stslab/sender/cert_check.hpp"

#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>

#include "stslab/sender/mx_pattern.hpp"

namespace stslab::sender {
namespace {

struct StoreCtxDeleter {
  void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); }
};

void add(CertVerdict& v, const char* failure, const std::string& why) {
  v.failures.emplace_back(failure);
  if (!v.detail.empty()) v.detail += "; ";
  v.detail += why;
}

// Chain to a trusted root, times left to the separate expiry check.
std::string chain_problem(X509* leaf, STACK_OF(X509) * untrusted, X509_STORE* store) {
  std::unique_ptr<X509_STORE_CTX, StoreCtxDeleter> ctx(X509_STORE_CTX_new());
  if (!ctx || !store || X509_STORE_CTX_init(ctx.get(), store, leaf, untrusted) != 1) {
    return "cannot set up chain verification";
  }
  X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_NO_CHECK_TIME);
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
  if (X509_verify_cert(ctx.get()) == 1) return {};
  return X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
}

// The leaf's validity window against time(): the wall clock, which libfaketime moves.
std::string time_problem(X509* leaf) {
  std::time_t now = std::time(nullptr);
  if (X509_cmp_time(X509_get0_notBefore(leaf), &now) > 0) return "certificate not yet valid";
  if (X509_cmp_time(X509_get0_notAfter(leaf), &now) < 0) return "certificate expired";
  return {};
}

}  // namespace

CertChecks mx_cert_checks(const DefectSet& d) {
  return CertChecks{.chain = !d.has(Defect::no_cert_verify),
                    .expiry = !d.has(Defect::ignore_expiry),
                    .host_name = !d.has(Defect::no_hostname_check),
                    .cn_fallback = d.has(Defect::cn_fallback)};
}

CertVerdict check_peer_certificate(SSL* ssl, X509_STORE* store, const std::string& host,
                                   const CertChecks& checks) {
  // On the client side the peer chain includes the leaf; the extra copy does no harm.
  X509* leaf = ssl ? SSL_get0_peer_certificate(ssl) : nullptr;
  return check_certificate(leaf, ssl ? SSL_get_peer_cert_chain(ssl) : nullptr, store, host, checks);
}

CertVerdict check_certificate(X509* leaf, STACK_OF(X509) * chain, X509_STORE* store,
                              const std::string& host, const CertChecks& checks) {
  CertVerdict v;
  if (!leaf) {
    add(v, "certificate-not-trusted", "no certificate");
    return v;
  }
  if (checks.chain) {
    if (auto why = chain_problem(leaf, chain, store); !why.empty()) {
      add(v, "certificate-not-trusted", why);
    }
  }
  if (checks.expiry) {
    if (auto why = time_problem(leaf); !why.empty()) add(v, "certificate-expired", why);
  }
  if (checks.host_name) {
    // RFC 6125 via §4.2: DNS-ID only (no CN unless the defect asks), wildcard only as the whole
    // left-most label and covering exactly one label (OpenSSL's default).
    unsigned flags = X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS;
    if (!checks.cn_fallback) flags |= X509_CHECK_FLAG_NEVER_CHECK_SUBJECT;
    const std::string name = normalize_host(host);
    if (X509_check_host(leaf, name.data(), name.size(), flags, nullptr) != 1) {
      add(v, "certificate-host-mismatch", "certificate does not name " + name);
    }
  }
  return v;
}

}  // namespace stslab::sender
