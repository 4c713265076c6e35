// Every certificate profile checked with OpenSSL's own verifier: each fails for the reason its
// name promises, and only that reason.
#include "stslab/core/pki.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "stslab/testing/scratch_dir.hpp"

namespace stslab::core {
namespace {

using namespace std::chrono_literals;

struct StackDeleter {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};

// Verifies `cred.chain_pem` against the lab root as a validating sender would: chain, time
// (the lab's "now"), and host name. Returns OpenSSL's verify result.
int verify(const LabPki& pki, const Credential& cred, const std::string& host,
           LabClock::time_point at, unsigned host_flags = 0) {
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, parse_certificate_pem(pki.root_ca_pem()).get());
  std::unique_ptr<STACK_OF(X509), StackDeleter> chain(sk_X509_new_null());
  BIO* bio = BIO_new_mem_buf(cred.chain_pem.data(), static_cast<int>(cred.chain_pem.size()));
  X509Ptr leaf(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  while (X509* extra = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr))
    sk_X509_push(chain.get(), extra);
  BIO_free(bio);

  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, leaf.get(), chain.get());
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
  X509_VERIFY_PARAM_set_time(param, std::chrono::system_clock::to_time_t(at));
  X509_VERIFY_PARAM_set_hostflags(param, host_flags);
  X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  X509_verify_cert(ctx);
  const int result = X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  return result;
}

class PkiProfileTest : public ::testing::TestWithParam<KeyType> {
 protected:
  LabClock clock;
  LabPki pki{clock};
  const std::string host = "mx1.a.test";

  int check(CertProfile p, const std::string& name, unsigned flags = 0) {
    return verify(pki, pki.issue(host, p, GetParam()), name, clock.now(), flags);
  }
};

TEST_P(PkiProfileTest, ValidVerifies) {
  EXPECT_EQ(check(CertProfile::valid, host), X509_V_OK);
}

TEST_P(PkiProfileTest, ExpiredFailsAsExpired) {
  EXPECT_EQ(check(CertProfile::expired, host), X509_V_ERR_CERT_HAS_EXPIRED);
}

TEST_P(PkiProfileTest, NotYetValidFailsAsNotYetValid) {
  EXPECT_EQ(check(CertProfile::not_yet_valid, host), X509_V_ERR_CERT_NOT_YET_VALID);
}

TEST_P(PkiProfileTest, WrongNameFailsTheHostCheckOnly) {
  EXPECT_EQ(check(CertProfile::wrong_name, host), X509_V_ERR_HOSTNAME_MISMATCH);
  EXPECT_EQ(check(CertProfile::wrong_name, "wrong-name.invalid"), X509_V_OK);
}

TEST_P(PkiProfileTest, CnOnlyHasNoSanAndPassesOnlyWithLegacyCnFallback) {
  const auto cred = pki.issue(host, CertProfile::cn_only, GetParam());
  auto cert = parse_certificate_pem(cred.cert_pem);
  EXPECT_TRUE(subject_alt_names(cert.get()).empty());
  EXPECT_EQ(subject_common_name(cert.get()), host);
  // OpenSSL falls back to the CN when there is no SAN; a strict RFC 6125 client does not.
  EXPECT_EQ(verify(pki, cred, host, clock.now()), X509_V_OK);
  EXPECT_EQ(verify(pki, cred, host, clock.now(), X509_CHECK_FLAG_NEVER_CHECK_SUBJECT),
            X509_V_ERR_HOSTNAME_MISMATCH);
}

TEST_P(PkiProfileTest, WildcardCoversExactlyOneLabel) {
  const auto cred = pki.issue(host, CertProfile::wildcard, GetParam());
  EXPECT_EQ(subject_alt_names(parse_certificate_pem(cred.cert_pem).get()),
            std::vector<std::string>{"*.a.test"});
  EXPECT_EQ(verify(pki, cred, "mx1.a.test", clock.now()), X509_V_OK);
  EXPECT_EQ(verify(pki, cred, "other.a.test", clock.now()), X509_V_OK);
  EXPECT_EQ(verify(pki, cred, "deep.mx1.a.test", clock.now()), X509_V_ERR_HOSTNAME_MISMATCH);
  EXPECT_EQ(verify(pki, cred, "a.test", clock.now()), X509_V_ERR_HOSTNAME_MISMATCH);
}

TEST_P(PkiProfileTest, SelfSignedFailsAsSelfSigned) {
  EXPECT_EQ(check(CertProfile::self_signed, host), X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
}

TEST_P(PkiProfileTest, UntrustedCaFailsTheChain) {
  const int result = check(CertProfile::untrusted_ca, host);
  // The chain carries the untrusted root, so OpenSSL reports a self-signed root it does not
  // trust; either way the chain does not reach the lab root.
  EXPECT_TRUE(result == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
              result == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY)
      << X509_verify_cert_error_string(result);
}

TEST_P(PkiProfileTest, KeyTypeIsTheOneAskedFor) {
  const auto cred = pki.issue(host, CertProfile::valid, GetParam());
  auto cert = parse_certificate_pem(cred.cert_pem);
  const int id = EVP_PKEY_get_base_id(X509_get0_pubkey(cert.get()));
  EXPECT_EQ(id, GetParam() == KeyType::rsa2048 ? EVP_PKEY_RSA : EVP_PKEY_EC);
  EXPECT_NE(cred.key_pem.find("BEGIN PRIVATE KEY"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(KeyTypes, PkiProfileTest,
                         ::testing::Values(KeyType::rsa2048, KeyType::ecdsa_p256),
                         [](const auto& p) {
                           return p.param == KeyType::rsa2048 ? "rsa2048" : "ecdsa_p256";
                         });

TEST(LabPki, ValidityFollowsTheLabClock) {
  LabClock clock;
  LabPki pki(clock);
  const auto start = clock.now();
  const auto before_move = pki.issue("mx1.a.test", CertProfile::valid);
  clock.advance(std::chrono::hours(24 * 200));
  const auto after_move = pki.issue("mx1.a.test", CertProfile::valid);
  // Minted relative to the moved clock: valid at the lab's now.
  EXPECT_EQ(verify(pki, after_move, "mx1.a.test", clock.now()), X509_V_OK);
  EXPECT_GT(after_move.not_before, start + std::chrono::hours(24 * 199));
  // The one minted before the move has expired by the lab's now.
  EXPECT_EQ(verify(pki, before_move, "mx1.a.test", clock.now()), X509_V_ERR_CERT_HAS_EXPIRED);
}

TEST(LabPki, TwoInstancesHaveDistinctRootsAndDoNotTrustEachOther) {
  LabClock clock;
  LabPki one(clock), two(clock);
  EXPECT_NE(one.root_ca_pem(), two.root_ca_pem());
  EXPECT_NE(verify(one, two.issue("mx.b.test", CertProfile::valid), "mx.b.test", clock.now()),
            X509_V_OK);
}

TEST(LabPki, ParsesProfileAndKeyNames) {
  EXPECT_EQ(parse_cert_profile("wrong-name"), CertProfile::wrong_name);
  EXPECT_EQ(parse_cert_profile("untrusted_ca"), CertProfile::untrusted_ca);
  EXPECT_EQ(parse_key_type("ecdsa-p256"), KeyType::ecdsa_p256);
  try {
    parse_cert_profile("expird");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'expird'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("expired"), std::string::npos);
  }
  EXPECT_THROW(parse_key_type("dsa"), std::invalid_argument);
}

TEST(LabPki, WritesTheCaBundle) {
  LabClock clock;
  LabPki pki(clock);
  const stslab::testing::ScratchDir scratch("stslab-pki-test");
  const std::string path = scratch.path() + "/ca-bundle.pem";
  pki.write_ca_bundle(path);
  FILE* f = fopen(path.c_str(), "r");
  ASSERT_NE(f, nullptr);
  X509Ptr cert(PEM_read_X509(f, nullptr, nullptr, nullptr));
  fclose(f);
  ASSERT_TRUE(cert);
  EXPECT_EQ(X509_check_ca(cert.get()), 1);
}

TEST(LabPki, MintingIsCheapOnceKeysExist) {
  LabClock clock;
  LabPki pki(clock);
  pki.issue("warm.test", CertProfile::valid);
  // Not a timing assertion: the same key object backs every leaf of a type, which is what makes
  // minting cheap. Two leaves share the key PEM.
  EXPECT_EQ(pki.issue("a.test", CertProfile::valid).key_pem,
            pki.issue("b.test", CertProfile::expired).key_pem);
}

}  // namespace
}  // namespace stslab::core
