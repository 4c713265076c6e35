// Interop with the real dig: what a stock resolver library sees, including its own fallback
// from UDP to TCP on TC=1.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dns_test_support.hpp"
#include "stslab/testing/process.hpp"

namespace {

using namespace dnstest;
using stslab::dns::Fault;
using stslab::testing::run_process;
using ::testing::HasSubstr;
using ::testing::Not;

class Dig : public ServerTest {
 protected:
  Dig() : ServerTest("127.0.53.7") {}
  void SetUp() override {
    if (!stslab::testing::have_program("dig"))
      GTEST_SKIP() << "dig not installed (Debian package bind9-dnsutils)";
    zone_.add({"_mta-sts.a.test. TXT \"v=STSv1; id=20240101\"", "a.test. MX 10 mx1.a.test.",
               "mx1.a.test. A 127.0.1.1",
               "_smtp._tls.a.test. TXT \"v=TLSRPTv1; \" \"rua=mailto:tlsrpt@a.test\""});
    ASSERT_NO_FATAL_FAILURE(start());
  }

  stslab::testing::ProcessResult dig(const std::string& name, const std::string& type,
                                     std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{"dig", "@" + address_, "-p",       std::to_string(endpoint_.port),
                                  name,  type,           "+tries=1", "+time=2"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    // On the real clock, whatever STSLAB_LAB_START says: dig checks no certificate, and hangs
    // under libfaketime (its clock calls recurse into it).
    return run_process(argv, "", std::chrono::seconds(15),
                       stslab::core::LabClock::duration::zero());
  }
};

TEST_F(Dig, TxtOverUdp) {
  auto r = dig("_mta-sts.a.test", "TXT");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("status: NOERROR"));
  EXPECT_THAT(r.out, HasSubstr("flags: qr aa rd ra;"));
  EXPECT_THAT(r.out, HasSubstr("_mta-sts.a.test.\t5\tIN\tTXT\t\"v=STSv1; id=20240101\""));
  auto events = journal_.query({.kind = "dns.query"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data["transport"], "udp");
  EXPECT_TRUE(events[0].data["edns"].is_object());  // dig sends EDNS by default
}

TEST_F(Dig, TxtOverTcp) {
  auto r = dig("_mta-sts.a.test", "TXT", {"+tcp"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"v=STSv1; id=20240101\""));
  auto events = journal_.query({.kind = "dns.query"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data["transport"], "tcp");
}

TEST_F(Dig, MultiStringTxtAsDigPrintsIt) {
  auto r = dig("_smtp._tls.a.test", "TXT");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("TXT\t\"v=TLSRPTv1; \" \"rua=mailto:tlsrpt@a.test\""));
}

TEST_F(Dig, NxdomainVersusNodata) {
  auto nx = dig("nothing.a.test", "TXT");
  ASSERT_EQ(nx.exit_code, 0) << nx.out << nx.err;
  EXPECT_THAT(nx.out, HasSubstr("status: NXDOMAIN"));
  EXPECT_THAT(nx.out, HasSubstr("AUTHORITY: 1"));
  EXPECT_THAT(nx.out, HasSubstr("IN\tSOA\tns.stslab.invalid."));

  auto nodata = dig("a.test", "TXT");
  ASSERT_EQ(nodata.exit_code, 0) << nodata.out << nodata.err;
  EXPECT_THAT(nodata.out, HasSubstr("status: NOERROR"));
  EXPECT_THAT(nodata.out, HasSubstr("ANSWER: 0, AUTHORITY: 1"));
  EXPECT_THAT(nodata.out, HasSubstr("AUTHORITY SECTION:\na.test."));
}

TEST_F(Dig, TruncateFaultMakesDigRetryOverTcp) {
  zone_.set_fault("_mta-sts.a.test", Fault::truncate, "TXT");
  auto r = dig("_mta-sts.a.test", "TXT");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out + r.err, HasSubstr("Truncated, retrying in TCP mode"));
  EXPECT_THAT(r.out, HasSubstr("\"v=STSv1; id=20240101\""));
  auto events = journal_.query({.kind = "dns.query"});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].data["transport"], "udp");
  EXPECT_EQ(events[0].data["fault"], "truncate");
  EXPECT_EQ(events[0].data["truncated"], true);
  EXPECT_EQ(events[1].data["transport"], "tcp");
  EXPECT_EQ(events[1].data["fault"], nullptr);
  EXPECT_EQ(events[1].data["answer_count"], 1);
}

TEST_F(Dig, AnswerLargerThanDigsBufferComesOverTcp) {
  for (int i = 0; i < 10; ++i)
    zone_.add("big.a.test. TXT \"" + std::to_string(i) + std::string(200, 'b') + "\"");
  auto r = dig("big.a.test", "TXT", {"+bufsize=1232"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out + r.err, HasSubstr("Truncated, retrying in TCP mode"));
  EXPECT_THAT(r.out, HasSubstr("ANSWER: 10,"));
}

TEST_F(Dig, ServfailAndRefusedFaults) {
  zone_.set_fault("_mta-sts.a.test", Fault::servfail);
  auto servfail = dig("_mta-sts.a.test", "TXT");
  EXPECT_THAT(servfail.out, HasSubstr("status: SERVFAIL"));
  zone_.set_fault("_mta-sts.a.test", Fault::refused);
  auto refused = dig("_mta-sts.a.test", "TXT");
  EXPECT_THAT(refused.out, HasSubstr("status: REFUSED"));
  zone_.set_fault("_mta-sts.a.test", Fault::nxdomain);
  auto nx = dig("_mta-sts.a.test", "TXT");
  EXPECT_THAT(nx.out, HasSubstr("status: NXDOMAIN"));
  EXPECT_THAT(nx.out, Not(HasSubstr("v=STSv1")));
}

TEST_F(Dig, TimeoutFaultLeavesDigWithoutAnswer) {
  zone_.set_fault("_mta-sts.a.test", Fault::timeout);
  auto r = dig("_mta-sts.a.test", "TXT", {"+time=1"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.out + r.err, HasSubstr("timed out"));
  auto events = journal_.query({.kind = "dns.query"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data["fault"], "timeout");
}

}  // namespace
