// MX and policy-host certificate checks against lab PKI certificates (STS-CERT-01..04,
// STS-FETCH-02), and the certificate defects.
#include "stslab/sender/cert_check.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include "stslab/core/clock.hpp"
#include "stslab/core/pki.hpp"

namespace stslab::sender {
namespace {

struct StackDeleter {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
struct StoreDeleter {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};

class CertCheck : public ::testing::Test {
 protected:
  CertCheck() : pki(clock), store(X509_STORE_new()) {
    auto root = core::parse_certificate_pem(pki.root_ca_pem());
    X509_STORE_add_cert(store.get(), root.get());
  }

  // Checks a freshly minted certificate for `host` (profile) as `checked_host`.
  CertVerdict check(const std::string& host, core::CertProfile profile, DefectSet defects = {},
                    const std::string& checked_host = "") {
    auto cred = pki.issue(host, profile);
    auto leaf = core::parse_certificate_pem(cred.cert_pem);
    // The issuer(s) the server would send, as the untrusted chain.
    std::unique_ptr<STACK_OF(X509), StackDeleter> chain(sk_X509_new_null());
    BIO* bio = BIO_new_mem_buf(cred.chain_pem.data(), static_cast<int>(cred.chain_pem.size()));
    while (X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr))
      sk_X509_push(chain.get(), x);
    BIO_free(bio);
    return check_certificate(leaf.get(), chain.get(), store.get(),
                             checked_host.empty() ? host : checked_host, mx_cert_checks(defects));
  }

  static std::string first(const CertVerdict& v) { return v.ok() ? "ok" : v.failures.front(); }

  // check_certificate() reads this process's real clock; the lab's certificates follow it.
  core::LabClock clock{core::LabClock::duration::zero()};
  core::LabPki pki;
  std::unique_ptr<X509_STORE, StoreDeleter> store;
};

TEST_F(CertCheck, ValidCertificatePasses) {
  EXPECT_EQ(first(check("mx1.a.test", core::CertProfile::valid)), "ok");
  EXPECT_EQ(first(check("mx1.a.test", core::CertProfile::valid, {}, "MX1.A.TEST.")), "ok");
}

TEST_F(CertCheck, ExpiredAndIgnoreExpiry) {  // STS-CERT-01
  EXPECT_EQ(first(check("mx1.a.test", core::CertProfile::expired)), "certificate-expired");
  EXPECT_EQ(first(check("mx1.a.test", core::CertProfile::not_yet_valid)), "certificate-expired");
  EXPECT_EQ(first(check("mx1.a.test", core::CertProfile::expired, {Defect::ignore_expiry})), "ok");
}

TEST_F(CertCheck, UntrustedAndNoCertVerify) {  // STS-CERT-02
  EXPECT_EQ(first(check("mx1.a.test", core::CertProfile::self_signed)), "certificate-not-trusted");
  EXPECT_EQ(first(check("mx1.a.test", core::CertProfile::untrusted_ca)), "certificate-not-trusted");
  EXPECT_EQ(first(check("mx1.a.test", core::CertProfile::self_signed, {Defect::no_cert_verify})),
            "ok");
  EXPECT_EQ(first(check("mx1.a.test", core::CertProfile::untrusted_ca, {Defect::no_cert_verify})),
            "ok");
}

TEST_F(CertCheck, HostMismatchAndNoHostnameCheck) {  // STS-CERT-03 (a)
  EXPECT_EQ(first(check("mx1.a.test", core::CertProfile::wrong_name)), "certificate-host-mismatch");
  EXPECT_EQ(first(check("mx1.a.test", core::CertProfile::valid, {}, "mx2.a.test")),
            "certificate-host-mismatch");
  EXPECT_EQ(first(check("mx1.a.test", core::CertProfile::wrong_name, {Defect::no_hostname_check})),
            "ok");
}

TEST_F(CertCheck, CnOnlyAndCnFallback) {  // STS-CERT-03 (b)
  EXPECT_EQ(first(check("mx1.a.test", core::CertProfile::cn_only)), "certificate-host-mismatch");
  EXPECT_EQ(first(check("mx1.a.test", core::CertProfile::cn_only, {Defect::cn_fallback})), "ok");
}

TEST_F(CertCheck, WildcardCoversOneLabel) {  // STS-CERT-04
  // The wildcard profile for mx.x.a.test is "*.x.a.test".
  EXPECT_EQ(first(check("mx.x.a.test", core::CertProfile::wildcard)), "ok");
  EXPECT_EQ(first(check("mx.x.a.test", core::CertProfile::wildcard, {}, "other.x.a.test")), "ok");
  EXPECT_EQ(first(check("mx.x.a.test", core::CertProfile::wildcard, {}, "b.mx.x.a.test")),
            "certificate-host-mismatch");
  EXPECT_EQ(first(check("mx.x.a.test", core::CertProfile::wildcard, {}, "x.a.test")),
            "certificate-host-mismatch");
}

TEST_F(CertCheck, NoCertificateIsNotTrusted) {
  EXPECT_EQ(first(check_certificate(nullptr, nullptr, store.get(), "a.test", CertChecks{})),
            "certificate-not-trusted");
}

}  // namespace
}  // namespace stslab::sender
