// The _smtp._tls TXT record (RFC 8460 §3): selection and rua parsing (RPT-02..RPT-05).
#include "stslab/sender/tlsrpt_record.hpp"

#include <gtest/gtest.h>

namespace stslab::sender {
namespace {

using Kind = TlsrptSelection::Kind;

TEST(TlsrptRecord, OneMailtoDestination) {
  auto s = select_tlsrpt_record({"v=TLSRPTv1; rua=mailto:tlsrpt@rpt.test"});
  ASSERT_EQ(s.kind, Kind::valid) << s.detail;
  ASSERT_EQ(s.rua.size(), 1u);
  EXPECT_EQ(s.rua[0].scheme, RuaUri::Scheme::mailto);
  EXPECT_EQ(s.rua[0].address, "tlsrpt@rpt.test");
}

TEST(TlsrptRecord, SeveralDestinationsWithBlanksAroundCommas) {  // RPT-05
  auto s = select_tlsrpt_record({"v=TLSRPTv1;rua=https://a.test/r ,\tmailto:r@b.test;"});
  ASSERT_EQ(s.kind, Kind::valid) << s.detail;
  ASSERT_EQ(s.rua.size(), 2u);
  EXPECT_EQ(s.rua[0].scheme, RuaUri::Scheme::https);
  EXPECT_EQ(s.rua[0].uri, "https://a.test/r");
  EXPECT_EQ(s.rua[1].address, "r@b.test");
}

TEST(TlsrptRecord, UnknownFieldsAreIgnored) {  // RPT-04
  auto s = select_tlsrpt_record({"v=TLSRPTv1; foo=bar; rua=mailto:tlsrpt@rpt.test; x.y-z=1"});
  ASSERT_EQ(s.kind, Kind::valid) << s.detail;
  EXPECT_EQ(s.rua.size(), 1u);
}

TEST(TlsrptRecord, OtherRecordsAreDroppedButTwoValidOnesMeanNone) {  // RPT-02
  EXPECT_EQ(select_tlsrpt_record({"foo", "v=TLSRPTv1; rua=mailto:a@b.test"}).kind, Kind::valid);
  EXPECT_EQ(
      select_tlsrpt_record({"v=TLSRPTv1; rua=mailto:a@b.test", "v=TLSRPTv1; rua=mailto:c@d.test"})
          .kind,
      Kind::multiple);
  EXPECT_EQ(select_tlsrpt_record({"v=tlsrptv1; rua=mailto:a@b.test"}).kind, Kind::none);
  EXPECT_EQ(select_tlsrpt_record({}).kind, Kind::none);
}

TEST(TlsrptRecord, RuaIsRequiredAndMustHoldUris) {  // RPT-05
  EXPECT_EQ(select_tlsrpt_record({"v=TLSRPTv1; foo=bar"}).kind, Kind::invalid);
  EXPECT_EQ(select_tlsrpt_record({"v=TLSRPTv1; rua="}).kind, Kind::invalid);
  EXPECT_EQ(select_tlsrpt_record({"v=TLSRPTv1; rua=mailto:nodomain"}).kind, Kind::invalid);
  EXPECT_EQ(select_tlsrpt_record({"v=TLSRPTv1; rua=mailto:a@b.test; bad field"}).kind,
            Kind::invalid);
}

TEST(TlsrptRecord, UnsupportedSchemesAreKeptAndMarked) {
  auto s = select_tlsrpt_record({"v=TLSRPTv1; rua=http://a.test/r,mailto:a@b.test"});
  ASSERT_EQ(s.kind, Kind::valid) << s.detail;
  ASSERT_EQ(s.rua.size(), 2u);
  EXPECT_EQ(s.rua[0].scheme, RuaUri::Scheme::unsupported);
  EXPECT_EQ(s.rua[1].scheme, RuaUri::Scheme::mailto);
}

TEST(TlsrptRecord, PercentEncodedCharactersAreDecodedInAddresses) {  // RFC 8460 §3
  auto s = select_tlsrpt_record({"v=TLSRPTv1; rua=mailto:tls%2Crpt%21x@b.test"});
  ASSERT_EQ(s.kind, Kind::valid) << s.detail;
  EXPECT_EQ(s.rua[0].address, "tls,rpt!x@b.test");
  EXPECT_EQ(percent_decode("a%zz%4"), "a%zz%4");
}

}  // namespace
}  // namespace stslab::sender
