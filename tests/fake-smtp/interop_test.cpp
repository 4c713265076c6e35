// Real clients against the fake MX: swaks (an SMTP sender) and openssl s_client -starttls smtp.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "fixture.hpp"
#include "stslab/testing/process.hpp"

namespace stslab::smtp::testing {
namespace {

using stslab::testing::have_program;
using stslab::testing::run_process;
using ::testing::HasSubstr;

class SwaksTest : public SmtpServerFixture {
 protected:
  void SetUp() override {
    if (!have_program("swaks")) GTEST_SKIP() << "swaks is not installed (scripts/install-deps)";
    ep = start_one("127.0.0.50");
  }
  stslab::testing::ProcessResult swaks(std::vector<std::string> extra) {
    std::vector<std::string> argv = {"swaks",
                                     "--server",
                                     ep.address().to_string(),
                                     "--port",
                                     std::to_string(ep.port()),
                                     "--from",
                                     "sender@client.test",
                                     "--to",
                                     "rcpt@a.test",
                                     "--helo",
                                     "client.test",
                                     "--timeout",
                                     "10"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_process(argv);
  }
  // swaks prints its TLS support only when the Perl module Net::SSLeay is there.
  static bool swaks_has_tls() {
    return run_process({"swaks", "--support"}).out.find("TLS supported") != std::string::npos;
  }
  tcp::endpoint ep;
};

TEST_F(SwaksTest, PlaintextDelivery) {
  auto r = swaks({});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  wait_event("smtp.message");
  auto msgs = server->messages();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].mail_from, "sender@client.test");
  EXPECT_THAT(msgs[0].data, HasSubstr("X-Mailer: swaks"));
  EXPECT_FALSE(msgs[0].tls);
}

TEST_F(SwaksTest, TlsDeliveryVerifiedAgainstTheLabRoot) {
  if (!swaks_has_tls()) GTEST_SKIP() << "swaks lacks TLS (libnet-ssleay-perl missing)";
  auto r = swaks({"--tls", "--tls-verify", "--tls-ca-path", write_root_pem()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  wait_event("smtp.message");
  auto msgs = server->messages();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_TRUE(msgs[0].tls);
  EXPECT_FALSE(msgs[0].tls_version.empty());
  EXPECT_EQ(wait_event("smtp.tls").data["ok"], true);
}

TEST_F(SwaksTest, TlsVerificationFailsAgainstAnExpiredCertificate) {
  if (!swaks_has_tls()) GTEST_SKIP() << "swaks lacks TLS (libnet-ssleay-perl missing)";
  server->set_cert("mx1.a.test", {.profile = core::CertProfile::expired});
  auto r = swaks({"--tls", "--tls-verify", "--tls-ca-path", write_root_pem()});
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  auto tls = wait_event("smtp.tls");
  EXPECT_EQ(tls.data["ok"], false);
  EXPECT_EQ(tls.data["cert_profile"], "expired");
  wait_event("smtp.session.close");
  EXPECT_TRUE(server->messages().empty());
}

TEST_F(SwaksTest, ConfiguredRcptReplyIsWhatSwaksSees) {
  server->add_reply("mx1.a.test", {Stage::rcpt, 451, "4.7.1 try later"});
  auto r = swaks({});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("451 4.7.1 try later"));
  wait_event("smtp.session.close");
  EXPECT_TRUE(server->messages().empty());
}

// openssl s_client -starttls smtp, verifying the chain and the host name mx1.a.test.
struct ProfileCase {
  core::CertProfile profile;
  bool verifies;
  std::string error;  // in s_client's output when it does not
};

void PrintTo(const ProfileCase& c, std::ostream* os) {
  *os << core::to_string(c.profile);
}

class OpensslStarttlsTest : public SmtpServerFixture,
                            public ::testing::WithParamInterface<ProfileCase> {};

TEST_P(OpensslStarttlsTest, VerifiesOrNot) {
  if (!have_program("openssl")) GTEST_SKIP() << "openssl is not installed";
  const auto& param = GetParam();
  const auto ep = start_one("127.0.0.51", [&](Vhost& v) { v.cert.profile = param.profile; });
  const std::string connect = ep.address().to_string() + ":" + std::to_string(ep.port());
  auto r = run_process({"openssl", "s_client", "-starttls", "smtp", "-connect", connect,
                        "-verify_return_error", "-CAfile", write_root_pem(), "-verify_hostname",
                        "mx1.a.test", "-servername", "mx1.a.test", "-crlf"},
                       "QUIT\n");
  ASSERT_FALSE(r.timed_out);
  auto tls = wait_event("smtp.tls");
  EXPECT_EQ(tls.data["cert_profile"], core::to_string(param.profile));
  if (param.verifies) {
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("Verify return code: 0 (ok)"));
    EXPECT_EQ(tls.data["ok"], true);
  } else {
    EXPECT_NE(r.exit_code, 0) << r.out << r.err;
    EXPECT_THAT(r.out + r.err, HasSubstr(param.error));
    EXPECT_EQ(tls.data["ok"], false);
    EXPECT_FALSE(tls.data["alert"].is_null()) << tls.data.dump();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Profiles, OpensslStarttlsTest,
    ::testing::Values(ProfileCase{core::CertProfile::valid, true, ""},
                      ProfileCase{core::CertProfile::wildcard, true, ""},
                      ProfileCase{core::CertProfile::wrong_name, false, "hostname mismatch"},
                      ProfileCase{core::CertProfile::expired, false, "certificate has expired"},
                      ProfileCase{core::CertProfile::self_signed, false, "self-signed"},
                      // The server sends the untrusted CA along: it ends the chain, unknown.
                      ProfileCase{core::CertProfile::untrusted_ca, false,
                                  "self-signed certificate in certificate chain"},
                      // OpenSSL falls back to the CN when there is no subjectAltName.
                      ProfileCase{core::CertProfile::cn_only, true, ""}),
    [](const ::testing::TestParamInfo<ProfileCase>& p) {
      std::string name(core::to_string(p.param.profile));  // "wrong-name" is no test name
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

}  // namespace
}  // namespace stslab::smtp::testing
