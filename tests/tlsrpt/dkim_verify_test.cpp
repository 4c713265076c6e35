// RPT-12: verify_dkim() and what analyze() makes of it. The mails are signed here by OpenDKIM's
// own signer with a fresh RSA key (OpenSSL), then verified through the key lookup the caller
// passes; no DNS anywhere.
#include "stslab/tlsrpt/dkim_verify.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
// opendkim/dkim.h declares _Bool parameters, which C++ knows only through GCC's <stdbool.h>.
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers)
// (keep <stdbool.h> above <opendkim/dkim.h>)
#include <opendkim/dkim.h>

#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>

#include "stslab/tlsrpt/analyze.hpp"
#include "stslab/tlsrpt/gzip.hpp"
#include "test_support.hpp"

namespace stslab::tlsrpt {
namespace {

using testing::describe;
using testing::has_finding;

constexpr std::uint64_t kSigned = 1775002200;  // 2026-04-01T00:10:00Z, the report mail's Date

struct TestKey {
  std::string private_pem;
  std::string public_b64;  // p=

  static TestKey make() {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), EVP_PKEY_free);
    if (!key) throw std::runtime_error("EVP_RSA_gen");
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    TestKey k;
    k.private_pem.assign(data, static_cast<std::size_t>(n));
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(key.get(), &der);
    k.public_b64 =
        testing::base64(std::string(reinterpret_cast<const char*>(der), static_cast<size_t>(len)));
    OPENSSL_free(der);
    std::erase(k.public_b64, '\r');
    std::erase(k.public_b64, '\n');
    return k;
  }

  std::string record(const std::string& service = "s=tlsrpt") const {
    return "v=DKIM1; k=rsa; " + service + "; p=" + public_b64;
  }
};

// One key for the whole file: RSA generation costs a quarter second.
const TestKey& key() {
  static const TestKey k = TestKey::make();
  return k;
}
const TestKey& other_key() {
  static const TestKey k = TestKey::make();
  return k;
}

// A clean mailed report (no finding but the DKIM ones), CRLF line ends, unsigned.
std::string report_mail() {
  return "From: <tlsrpt@reporter.example>\r\n"
         "To: <tlsrpt@example.net>\r\n"
         "Subject: Report Domain: example.net Submitter: reporter.example Report-ID: "
         "<r1@reporter.example>\r\n"
         "Date: Wed, 01 Apr 2026 00:10:00 +0000\r\n"
         "Message-ID: <r1@reporter.example>\r\n"
         "TLS-Report-Domain: example.net\r\n"
         "TLS-Report-Submitter: reporter.example\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"b1\"\r\n"
         "\r\n"
         "--b1\r\nContent-Type: text/plain\r\n\r\nA TLS report.\r\n"
         "--b1\r\nContent-Type: application/tlsrpt+gzip\r\n"
         "Content-Transfer-Encoding: base64\r\n"
         "Content-Disposition: attachment; "
         "filename=\"reporter.example!example.net!1774915200!1775001600!a1.json.gz\"\r\n\r\n" +
         testing::base64(gzip(testing::clean_report().dump())) + "\r\n--b1--\r\n";
}

struct SignOptions {
  std::string domain = "reporter.example";
  std::string selector = "s1";
  std::uint64_t time = kSigned;
  bool body_length = false;  // l=
};

// `message` with a DKIM-Signature by OpenDKIM in front (relaxed/relaxed, rsa-sha256, all
// header fields signed).
std::string sign(const std::string& message, const TestKey& k, const SignOptions& o = {}) {
  std::unique_ptr<DKIM_LIB, decltype(&dkim_close)> lib(dkim_init(nullptr, nullptr), dkim_close);
  unsigned flags = o.body_length ? DKIM_LIBFLAGS_SIGNLEN : DKIM_LIBFLAGS_NONE;
  std::uint64_t fixed = o.time;
  dkim_options(lib.get(), DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags, sizeof flags);
  dkim_options(lib.get(), DKIM_OP_SETOPT, DKIM_OPTS_FIXEDTIME, &fixed, sizeof fixed);
  DKIM_STAT status = DKIM_STAT_OK;
  std::unique_ptr<DKIM, decltype(&dkim_free)> dkim(
      dkim_sign(lib.get(), reinterpret_cast<const unsigned char*>("test"), nullptr,
                reinterpret_cast<dkim_sigkey_t>(const_cast<char*>(k.private_pem.c_str())),
                reinterpret_cast<const unsigned char*>(o.selector.c_str()),
                reinterpret_cast<const unsigned char*>(o.domain.c_str()), DKIM_CANON_RELAXED,
                DKIM_CANON_RELAXED, DKIM_SIGN_RSASHA256, -1, &status),
      dkim_free);
  if (!dkim) throw std::runtime_error("dkim_sign failed");
  std::string bytes = message;
  if (dkim_chunk(dkim.get(), reinterpret_cast<unsigned char*>(bytes.data()), bytes.size()) !=
          DKIM_STAT_OK ||
      dkim_chunk(dkim.get(), nullptr, 0) != DKIM_STAT_OK ||
      dkim_eom(dkim.get(), nullptr) != DKIM_STAT_OK) {
    throw std::runtime_error(std::string("signing failed: ") + dkim_geterror(dkim.get()));
  }
  unsigned char* header = nullptr;
  size_t len = 0;
  if (dkim_getsighdr_d(dkim.get(), std::strlen(DKIM_SIGNHEADER) + 2, &header, &len) !=
      DKIM_STAT_OK) {
    throw std::runtime_error("dkim_getsighdr_d failed");
  }
  std::string value;
  for (const char c : std::string(reinterpret_cast<char*>(header), len)) {
    if (c == '\n' && (value.empty() || value.back() != '\r')) value += '\r';
    value += c;
  }
  return std::string(DKIM_SIGNHEADER) + ": " + value + "\r\n" + message;
}

// A lookup over a map of names to TXT values, remembering what was asked.
struct Keys {
  std::map<std::string, std::string> records;
  std::vector<std::string> asked;
  DkimKeyLookup lookup() {
    return [this](const std::string& name) -> std::optional<std::string> {
      asked.push_back(name);
      const auto it = records.find(name);
      if (it == records.end()) return std::nullopt;
      return it->second;
    };
  }
};

Analysis analyze_mail(const std::string& mail, Keys& keys, std::chrono::seconds ahead = {}) {
  return analyze(mail, {.transport = Transport::mail,
                        .dkim_key_lookup = keys.lookup(),
                        .signer_clock_ahead = ahead});
}

bool has_message(const std::vector<Finding>& findings, const std::string& id, Severity severity,
                 const std::string& part) {
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) {
    return f.id == id && f.severity == severity && f.message.find(part) != std::string::npos;
  });
}

// The signature's clock is 2026-04-01; whatever the clock of the machine running this, allow
// for it (t= must not look like the future).
std::chrono::seconds ahead_of_now() {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return std::max(std::chrono::seconds(0), std::chrono::seconds(kSigned) - now);
}

class DkimVerify : public ::testing::Test {
 protected:
  DkimVerify() { keys.records["s1._domainkey.reporter.example"] = key().record(); }
  Analysis run(const std::string& mail) { return analyze_mail(mail, keys, ahead_of_now()); }
  // Signs, changes `from` into `to`, verifies: an invalid RPT-12 finding saying `words`.
  void expect_tampered(const std::string& from, const std::string& to, DkimStatus status,
                       const std::string& words) {
    auto mail = sign(report_mail(), key());
    mail.replace(mail.find(from), from.size(), to);
    const auto a = run(mail);
    EXPECT_TRUE(has_message(a.findings, "RPT-12", Severity::invalid, words))
        << describe(a.findings);
    EXPECT_FALSE(has_message(a.findings, "RPT-12", Severity::note, "verified"));
    ASSERT_TRUE(a.decoded.mail && a.decoded.mail->dkim_results);
    EXPECT_EQ((*a.decoded.mail->dkim_results)[0].status, status);
  }
  Keys keys;
};

TEST_F(DkimVerify, OpenDkimSignatureVerifiesThroughTheLookup) {
  const auto a = run(sign(report_mail(), key()));
  ASSERT_FALSE(a.error) << a.error->what();
  EXPECT_FALSE(has_invalid(a.findings)) << describe(a.findings);
  EXPECT_TRUE(has_message(a.findings, "RPT-12", Severity::note,
                          "DKIM signature verified (d=reporter.example, s=s1)"))
      << describe(a.findings);
  // Only the name the signature points at was asked, and s=tlsrpt needed no remark.
  EXPECT_EQ(keys.asked, std::vector<std::string>{"s1._domainkey.reporter.example"});
  EXPECT_FALSE(has_message(a.findings, "RPT-12", Severity::note, "s=tlsrpt"));
  ASSERT_TRUE(a.decoded.mail && a.decoded.mail->dkim_results);
  ASSERT_EQ(a.decoded.mail->dkim_results->size(), 1u);
  EXPECT_EQ((*a.decoded.mail->dkim_results)[0].status, DkimStatus::verified);
  EXPECT_TRUE((*a.decoded.mail->dkim_results)[0].key_for_tlsrpt);
}

TEST_F(DkimVerify, LineEndsWithoutCarriageReturnsStillVerify) {
  std::string mail = sign(report_mail(), key());
  std::erase(mail, '\r');
  const auto a = run(mail);
  EXPECT_TRUE(has_message(a.findings, "RPT-12", Severity::note, "DKIM signature verified"))
      << describe(a.findings);
}

TEST_F(DkimVerify, TamperedBodyIsInvalid) {
  expect_tampered("A TLS report.", "A TLS report!", DkimStatus::body_hash_mismatch,
                  "body hash mismatch");
}

TEST_F(DkimVerify, TamperedSignedHeaderIsInvalid) {
  expect_tampered("Date: Wed, 01 Apr 2026 00:10:00", "Date: Wed, 01 Apr 2026 00:11:00",
                  DkimStatus::signature_mismatch, "signature mismatch");
}

TEST_F(DkimVerify, RefoldedHeaderStillVerifies) {  // relaxed header canonicalization
  auto mail = sign(report_mail(), key());
  mail.replace(mail.find("Subject: Report Domain:"), 23, "Subject:  Report Domain:\r\n\t");
  const auto a = run(mail);
  EXPECT_TRUE(has_message(a.findings, "RPT-12", Severity::note, "DKIM signature verified"))
      << describe(a.findings);
}

TEST_F(DkimVerify, AnotherKeyThanThePublishedOneIsInvalid) {
  const auto a = run(sign(report_mail(), other_key()));
  EXPECT_TRUE(has_message(a.findings, "RPT-12", Severity::invalid,
                          "does not verify against the published key s1._domainkey.reporter."
                          "example: signature mismatch"))
      << describe(a.findings);
}

TEST_F(DkimVerify, NoKeyRecordIsANoteNotAFailure) {
  keys.records.clear();
  const auto a = run(sign(report_mail(), key()));
  EXPECT_FALSE(has_invalid(a.findings)) << describe(a.findings);
  EXPECT_TRUE(has_message(a.findings, "RPT-12", Severity::note,
                          "not verified: no key record s1._domainkey.reporter.example"))
      << describe(a.findings);
  EXPECT_EQ((*a.decoded.mail->dkim_results)[0].status, DkimStatus::no_key);
  EXPECT_FALSE(has_message(a.findings, "RPT-12", Severity::note, "verified ("));
}

TEST_F(DkimVerify, NoLookupGivenIsANoteNotAFailure) {  // `stslab tlsrpt summarize` offline
  const auto a = analyze(sign(report_mail(), key()), {.transport = Transport::file});
  EXPECT_FALSE(has_invalid(a.findings)) << describe(a.findings);
  EXPECT_TRUE(has_message(a.findings, "RPT-12", Severity::note, "not verified: no DKIM key lookup"))
      << describe(a.findings);
  EXPECT_FALSE(a.decoded.mail->dkim_results);
}

TEST_F(DkimVerify, BodyLengthTagIsStillInvalidEvenWhenTheSignatureVerifies) {  // RPT-13
  const auto a = run(sign(report_mail(), key(), {.body_length = true}));
  EXPECT_TRUE(has_finding(a.findings, "RPT-13", Severity::invalid)) << describe(a.findings);
  EXPECT_TRUE(has_message(a.findings, "RPT-12", Severity::note, "DKIM signature verified"))
      << describe(a.findings);
}

TEST_F(DkimVerify, KeyServiceTypes) {  // RFC 8460 §3: s=tlsrpt SHOULD be there
  keys.records["s1._domainkey.reporter.example"] = key().record("s=email");
  auto a = run(sign(report_mail(), key()));
  EXPECT_TRUE(has_message(a.findings, "RPT-12", Severity::note, "DKIM signature verified"));
  EXPECT_TRUE(has_message(a.findings, "RPT-12", Severity::note, "has no s=tlsrpt service type"))
      << describe(a.findings);
  // Listed among others, in any case, it counts.
  keys.records["s1._domainkey.reporter.example"] = key().record("s = email : TLSRPT");
  a = run(sign(report_mail(), key()));
  EXPECT_TRUE(has_message(a.findings, "RPT-12", Severity::note, "DKIM signature verified"))
      << describe(a.findings);
  EXPECT_FALSE(has_message(a.findings, "RPT-12", Severity::note, "s=tlsrpt"));
  // A key for some other service is no key for this mail.
  keys.records["s1._domainkey.reporter.example"] = key().record("s=other");
  a = run(sign(report_mail(), key()));
  EXPECT_TRUE(has_finding(a.findings, "RPT-12", Severity::invalid)) << describe(a.findings);
  EXPECT_EQ((*a.decoded.mail->dkim_results)[0].status, DkimStatus::key_unusable);
}

TEST_F(DkimVerify, RevokedKeyIsInvalid) {
  keys.records["s1._domainkey.reporter.example"] = "v=DKIM1; k=rsa; s=tlsrpt; p=";
  const auto a = run(sign(report_mail(), key()));
  EXPECT_TRUE(has_finding(a.findings, "RPT-12", Severity::invalid)) << describe(a.findings);
  EXPECT_EQ((*a.decoded.mail->dkim_results)[0].status, DkimStatus::key_unusable);
}

TEST_F(DkimVerify, SignerClockAheadIsAllowedForWhenSaid) {
  // Signed a day after "now" as the signer's clock (a lab that moved it) saw it.
  const auto now =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  const auto mail = sign(report_mail(), key(), {.time = now + 86400});
  auto a = analyze_mail(mail, keys);
  EXPECT_TRUE(has_finding(a.findings, "RPT-12", Severity::invalid)) << describe(a.findings);
  EXPECT_EQ((*a.decoded.mail->dkim_results)[0].status, DkimStatus::malformed);
  a = analyze_mail(mail, keys, std::chrono::hours(24));
  EXPECT_TRUE(has_message(a.findings, "RPT-12", Severity::note, "DKIM signature verified"))
      << describe(a.findings);
}

TEST_F(DkimVerify, OneGoodSignatureIsEnoughAndTheOthersAreNoted) {
  // A third party's signature (no key in the lab), and one made with another key than the one
  // published for its selector, beside the good one.
  auto mail = sign(report_mail(), key());
  mail = sign(mail, other_key(), {.domain = "relay.example", .selector = "r1"});
  keys.records["r9._domainkey.reporter.example"] = key().record();
  mail = sign(mail, other_key(), {.selector = "r9"});
  const auto a = run(mail);
  EXPECT_FALSE(has_invalid(a.findings)) << describe(a.findings);
  EXPECT_TRUE(has_message(a.findings, "RPT-12", Severity::note,
                          "DKIM signature verified (d=reporter.example, s=s1)"))
      << describe(a.findings);
  EXPECT_TRUE(has_message(a.findings, "RPT-12", Severity::note,
                          "(d=relay.example, s=r1) not verified: no key record"))
      << describe(a.findings);
  EXPECT_TRUE(has_message(a.findings, "RPT-12", Severity::note,
                          "another DKIM signature (d=reporter.example, s=r9) does not verify"))
      << describe(a.findings);
}

// Found by fuzz_tlsrpt_mail: NUL octets in the From: field made libopendkim read past its copy
// of the field (AddressSanitizer: heap-buffer-overflow in dkim_eoh). RFC 5322 allows no NUL in a
// header, so such a message is not verified at all; a NUL in the body is OpenDKIM's to hash.
TEST(DkimVerifyApi, AHeaderWithANulOctetIsMalformedWithoutReachingOpenDkim) {
  Keys keys;
  keys.records["s1._domainkey.reporter.example"] = key().record();
  const std::string mail = sign(sign(report_mail(), key()), key(), {.domain = "other.example"});
  std::string nul_in_from = mail;
  const std::size_t from = nul_in_from.find("\nFrom:");
  ASSERT_NE(from, std::string::npos);
  nul_in_from.insert(from + 7, std::string(120, '\0'));
  const auto results = verify_dkim(nul_in_from, {.lookup = keys.lookup()});
  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results) {
    EXPECT_EQ(r.status, DkimStatus::malformed);
    EXPECT_NE(r.detail.find("NUL octet"), std::string::npos) << r.detail;
  }
  EXPECT_TRUE(keys.asked.empty());

  std::string nul_in_body = mail;
  nul_in_body.insert(nul_in_body.find("A TLS report."), std::string(3, '\0'));
  const auto body =
      verify_dkim(nul_in_body, {.lookup = keys.lookup(), .signer_clock_ahead = ahead_of_now()});
  ASSERT_EQ(body.size(), 2u);
  EXPECT_EQ(body[1].status, DkimStatus::body_hash_mismatch);
}

TEST(DkimVerifyApi, ResultsComeInHeaderOrderAndNamesAreLowerCase) {
  Keys keys;
  keys.records["s1._domainkey.reporter.example"] = key().record();
  const auto mail = sign(sign(report_mail(), key()), key(), {.domain = "Other.Example"});
  const auto results =
      verify_dkim(mail, {.lookup = keys.lookup(), .signer_clock_ahead = ahead_of_now()});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].domain, "other.example");
  EXPECT_EQ(results[0].status, DkimStatus::no_key);
  EXPECT_EQ(results[1].domain, "reporter.example");
  EXPECT_EQ(results[1].selector, "s1");
  EXPECT_EQ(results[1].status, DkimStatus::verified);
  EXPECT_EQ(to_string(results[1].status), "verified");
  EXPECT_THROW(verify_dkim(mail, {}), std::invalid_argument);
  EXPECT_TRUE(verify_dkim(report_mail(), {.lookup = keys.lookup()}).empty());
}

}  // namespace
}  // namespace stslab::tlsrpt
