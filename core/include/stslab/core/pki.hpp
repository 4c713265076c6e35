// The lab PKI: a root CA that plays the public WebPKI inside the lab, and a forge that mints
// leaf certificates by profile (valid, expired, wrong name, ...). Built on the OpenSSL 3 API.
// Validity is computed from the lab clock, so moving the clock and minting agree.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "stslab/core/clock.hpp"

namespace stslab::core {

enum class CertProfile {
  valid,          // issued by the lab root, SAN = host, valid now
  expired,        // as valid, but notAfter is in the past
  not_yet_valid,  // as valid, but notBefore is in the future
  wrong_name,     // SAN and CN name another host ("wrong-name.invalid")
  cn_only,        // the host only in the subject CN, no subjectAltName extension
  wildcard,       // SAN "*.<parent of host>" (mx.a.test -> *.a.test)
  self_signed,    // the leaf signs itself
  untrusted_ca,   // issued by a CA that is not in the lab trust bundle
};

enum class KeyType { rsa2048, ecdsa_p256 };

std::string_view to_string(CertProfile p);
std::string_view to_string(KeyType k);
// Parses the names above ("expired", "wrong-name", "cn-only", ...; '_' and '-' both accepted).
// Throws std::invalid_argument naming the bad value and listing the good ones.
CertProfile parse_cert_profile(std::string_view name);
// Whether a validating client accepts a certificate of this profile for the host it was minted
// for (valid, wildcard); every other profile is one it must refuse.
bool verifies_for_its_host(CertProfile p);
KeyType parse_key_type(std::string_view name);  // "rsa2048" | "ecdsa-p256"

struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// A certificate with its key and the chain a server should send.
struct Credential {
  std::string host;
  CertProfile profile = CertProfile::valid;
  KeyType key_type = KeyType::rsa2048;
  std::string cert_pem;   // the leaf
  std::string chain_pem;  // the leaf followed by its issuer (what a server sends)
  std::string key_pem;    // the leaf's private key (PKCS#8)
  std::chrono::system_clock::time_point not_before;
  std::chrono::system_clock::time_point not_after;
};

class LabPki {
 public:
  explicit LabPki(const LabClock& clock);
  ~LabPki();
  LabPki(const LabPki&) = delete;
  LabPki& operator=(const LabPki&) = delete;

  // The trust anchor that senders in the lab get as their CA bundle.
  const std::string& root_ca_pem() const;
  // The CA behind `untrusted_ca` leaves: not in the bundle. For tests that want to check it.
  const std::string& untrusted_ca_pem() const;

  // Mints a leaf for `host` with the given profile, valid relative to the lab clock's now.
  // Thread-safe. Keys are generated once per process and key type, so minting is cheap.
  Credential issue(std::string_view host, CertProfile profile,
                   KeyType key_type = KeyType::rsa2048) const;

  // Writes root_ca_pem() to `path` (the lab's system CA bundle).
  void write_ca_bundle(const std::string& path) const;

 private:
  struct Authority;
  const LabClock& clock_;
  std::unique_ptr<Authority> root_;
  std::unique_ptr<Authority> untrusted_;
};

// Parses PEM text into a certificate; throws std::runtime_error on bad input.
X509Ptr parse_certificate_pem(std::string_view pem);
// The certificate's subjectAltName DNS names (empty if it has none).
std::vector<std::string> subject_alt_names(X509* cert);
std::string subject_common_name(X509* cert);

}  // namespace stslab::core
