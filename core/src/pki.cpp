#include "stslab/core/pki.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <stdexcept>

namespace stslab::core {
namespace {

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

[[noreturn]] void fail(const std::string& what) {
  const unsigned long code = ERR_get_error();
  std::string reason = code ? ERR_reason_error_string(code) ? ERR_reason_error_string(code) : "?"
                            : "no OpenSSL error";
  ERR_clear_error();
  throw std::runtime_error("lab PKI: " + what + ": " + reason);
}

PkeyPtr generate_key(KeyType type) {
  EVP_PKEY* key = type == KeyType::rsa2048
                      ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048})
                      : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (!key) fail(std::string("generating a ") + std::string(to_string(type)) + " key");
  return PkeyPtr(key);
}

// RSA keys are the slow part of minting (tens of milliseconds each), so every leaf of a key type
// shares one key per process. Certificates stay distinct; sharing a key between lab hosts
// changes nothing a sender can check.
EVP_PKEY* cached_leaf_key(KeyType type) {
  static std::mutex mutex;
  static std::map<KeyType, PkeyPtr> keys;
  std::lock_guard lock(mutex);
  auto& slot = keys[type];
  if (!slot) slot = generate_key(type);
  return slot.get();
}

std::string to_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_X509(bio.get(), cert)) fail("writing a certificate");
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string to_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)) {
    fail("writing a private key");
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) fail("building extension " + std::string(OBJ_nid2sn(nid)) + "=" + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

void set_random_serial(X509* cert) {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), bytes.size()) != 1) fail("drawing a serial number");
  bytes[0] &= 0x7f;  // keep it positive
  BIGNUM* bn = BN_bin2bn(bytes.data(), bytes.size(), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
  BN_free(bn);
}

void set_validity(X509* cert, std::chrono::system_clock::time_point from,
                  std::chrono::system_clock::time_point to) {
  if (!ASN1_TIME_set(X509_getm_notBefore(cert), std::chrono::system_clock::to_time_t(from)) ||
      !ASN1_TIME_set(X509_getm_notAfter(cert), std::chrono::system_clock::to_time_t(to))) {
    fail("setting validity");
  }
}

void set_subject_cn(X509* cert, const std::string& cn, const std::string& org) {
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(org.c_str()), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
}

X509Ptr new_certificate() {
  X509Ptr cert(X509_new());
  if (!cert) fail("allocating a certificate");
  X509_set_version(cert.get(), 2);  // v3
  set_random_serial(cert.get());
  return cert;
}

std::string parent_domain(std::string_view host) {
  const auto dot = host.find('.');
  return dot == std::string_view::npos ? std::string(host) : std::string(host.substr(dot + 1));
}

using namespace std::chrono_literals;
constexpr auto kDay = std::chrono::hours(24);

}  // namespace

// A certificate authority: its key and self-signed certificate.
struct LabPki::Authority {
  // Each lab gets CA keys of its own, so two labs never trust each other's leaves. P-256 keys
  // are generated in microseconds and every TLS stack in reach accepts an ECDSA root.
  PkeyPtr owned_key;
  EVP_PKEY* key = nullptr;
  X509Ptr cert;
  std::string pem;

  Authority(const std::string& name, std::chrono::system_clock::time_point now)
      : owned_key(generate_key(KeyType::ecdsa_p256)),
        key(owned_key.get()),
        cert(new_certificate()) {
    set_subject_cn(cert.get(), name, "stslab");
    X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
    // Wide validity: scenarios move the lab clock by days or months, never by decades.
    set_validity(cert.get(), now - 3650 * kDay, now + 3650 * kDay);
    X509_set_pubkey(cert.get(), key);
    add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
    if (!X509_sign(cert.get(), key, EVP_sha256())) fail("signing CA " + name);
    pem = to_pem(cert.get());
  }
};

std::string_view to_string(CertProfile p) {
  switch (p) {
    case CertProfile::valid:
      return "valid";
    case CertProfile::expired:
      return "expired";
    case CertProfile::not_yet_valid:
      return "not-yet-valid";
    case CertProfile::wrong_name:
      return "wrong-name";
    case CertProfile::cn_only:
      return "cn-only";
    case CertProfile::wildcard:
      return "wildcard";
    case CertProfile::self_signed:
      return "self-signed";
    case CertProfile::untrusted_ca:
      return "untrusted-ca";
  }
  return "unknown";
}

std::string_view to_string(KeyType k) {
  return k == KeyType::rsa2048 ? "rsa2048" : "ecdsa-p256";
}

namespace {
std::string dashed(std::string_view s) {
  std::string out(s);
  std::replace(out.begin(), out.end(), '_', '-');
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}
}  // namespace

CertProfile parse_cert_profile(std::string_view name) {
  const std::string wanted = dashed(name);
  for (auto p : {CertProfile::valid, CertProfile::expired, CertProfile::not_yet_valid,
                 CertProfile::wrong_name, CertProfile::cn_only, CertProfile::wildcard,
                 CertProfile::self_signed, CertProfile::untrusted_ca}) {
    if (to_string(p) == wanted) return p;
  }
  throw std::invalid_argument(
      "unknown certificate profile '" + std::string(name) +
      "' (known: valid, expired, not-yet-valid, wrong-name, cn-only, wildcard, self-signed, "
      "untrusted-ca)");
}

bool verifies_for_its_host(CertProfile p) {
  return p == CertProfile::valid || p == CertProfile::wildcard;
}

KeyType parse_key_type(std::string_view name) {
  const std::string wanted = dashed(name);
  if (wanted == "rsa2048" || wanted == "rsa") return KeyType::rsa2048;
  if (wanted == "ecdsa-p256" || wanted == "ecdsa" || wanted == "p256") return KeyType::ecdsa_p256;
  throw std::invalid_argument("unknown key type '" + std::string(name) +
                              "' (known: rsa2048, ecdsa-p256)");
}

LabPki::LabPki(const LabClock& clock)
    : clock_(clock),
      root_(std::make_unique<Authority>("stslab lab root CA", clock.now())),
      untrusted_(std::make_unique<Authority>("stslab untrusted CA", clock.now())) {}

LabPki::~LabPki() = default;

const std::string& LabPki::root_ca_pem() const {
  return root_->pem;
}
const std::string& LabPki::untrusted_ca_pem() const {
  return untrusted_->pem;
}

Credential LabPki::issue(std::string_view host_view, CertProfile profile, KeyType key_type) const {
  const std::string host(host_view);
  const auto now = clock_.now();
  EVP_PKEY* key = cached_leaf_key(key_type);

  Credential cred;
  cred.host = host;
  cred.profile = profile;
  cred.key_type = key_type;
  cred.not_before = now - 1h;
  cred.not_after = now + 90 * kDay;
  if (profile == CertProfile::expired) {
    cred.not_before = now - 90 * kDay;
    cred.not_after = now - kDay;
  } else if (profile == CertProfile::not_yet_valid) {
    cred.not_before = now + kDay;
    cred.not_after = now + 90 * kDay;
  }

  std::string name = host;
  if (profile == CertProfile::wrong_name) name = "wrong-name.invalid";
  if (profile == CertProfile::wildcard) name = "*." + parent_domain(host);

  X509Ptr cert = new_certificate();
  set_subject_cn(cert.get(), name, "stslab lab host");
  set_validity(cert.get(), cred.not_before, cred.not_after);
  X509_set_pubkey(cert.get(), key);

  const Authority* issuer = profile == CertProfile::untrusted_ca ? untrusted_.get() : root_.get();
  const bool self = profile == CertProfile::self_signed;
  X509* issuer_cert = self ? cert.get() : issuer->cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer_cert));

  add_extension(cert.get(), issuer_cert, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), issuer_cert, NID_key_usage,
                key_type == KeyType::rsa2048 ? "critical,digitalSignature,keyEncipherment"
                                             : "critical,digitalSignature");
  add_extension(cert.get(), issuer_cert, NID_ext_key_usage, "serverAuth");
  add_extension(cert.get(), issuer_cert, NID_subject_key_identifier, "hash");
  if (!self) add_extension(cert.get(), issuer_cert, NID_authority_key_identifier, "keyid:always");
  if (profile != CertProfile::cn_only) {
    add_extension(cert.get(), issuer_cert, NID_subject_alt_name, "DNS:" + name);
  }
  if (!X509_sign(cert.get(), self ? key : issuer->key, EVP_sha256())) fail("signing " + host);

  cred.cert_pem = to_pem(cert.get());
  cred.chain_pem = cred.cert_pem + (self ? "" : issuer->pem);
  cred.key_pem = to_pem(key);
  return cred;
}

void LabPki::write_ca_bundle(const std::string& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << root_ca_pem();
  if (!out) throw std::runtime_error("lab PKI: cannot write CA bundle " + path);
}

X509Ptr parse_certificate_pem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
  if (!cert) fail("parsing a PEM certificate");
  return X509Ptr(cert);
}

std::vector<std::string> subject_alt_names(X509* cert) {
  std::vector<std::string> names;
  auto* sans =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (!sans) return names;
  for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(sans, i);
    if (gn->type != GEN_DNS) continue;
    const ASN1_STRING* s = gn->d.dNSName;
    names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       static_cast<std::size_t>(ASN1_STRING_length(s)));
  }
  GENERAL_NAMES_free(sans);
  return names;
}

std::string subject_common_name(X509* cert) {
  X509_NAME* name = X509_get_subject_name(cert);
  const int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (idx < 0) return "";
  const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<std::size_t>(ASN1_STRING_length(s)));
}

}  // namespace stslab::core
