#include "stslab/harness/world_applier.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace stslab::harness {
namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(AddressPlan, SlotsGetDisjointBlocksAwayFromTheMtaAddress) {
  AddressPlan a(0), b(1), c(251);
  EXPECT_EQ(a.policy_host().to_string(), "127.10.0.80");
  EXPECT_EQ(b.mx_proxy(0).to_string(), "127.10.1.1");
  EXPECT_EQ(b.mx_real(0).to_string(), "127.10.1.101");
  EXPECT_EQ(c.mx_proxy(1).to_string(), "127.11.1.2");
  EXPECT_THROW(AddressPlan(-1), std::out_of_range);
}

TEST(RenderPolicy, FieldsInOrderWithTheChosenLineEnding) {
  PolicySpec p;
  p.mx = {"mx1.{domain}", "*.{domain}"};
  p.extra_lines = {"foo_bar: baz"};
  EXPECT_EQ(render_policy(p, "a.test"),
            "version: STSv1\r\nmode: enforce\r\nmx: mx1.a.test\r\nmx: *.a.test\r\n"
            "max_age: 86400\r\nfoo_bar: baz\r\n");
  p.line_ending = "\n";
  p.mode = "testing";
  EXPECT_NE(render_policy(p, "a.test").find("mode: testing\nmx"), std::string::npos);
  p.raw = "anything {domain}";
  EXPECT_EQ(render_policy(p, "a.test"), "anything a.test");
}

TEST(ZoneRecords, PublishesMxAddressesTxtAndExtras) {
  WorldSpec w;
  w.mx = {MxSpec{.label = "mx1", .preference = 10},
          MxSpec{.label = "mx2", .preference = 20, .in_dns = false}};
  w.policy_id = "abc";
  w.tlsrpt_record = "v=TLSRPTv1; rua=mailto:r@{domain}";
  w.dns = {"extra.{domain}. A 127.0.0.9"};
  AddressPlan plan(3);
  auto slot = [](const std::string& l) { return l == "mx1" ? 0 : 1; };
  const auto r = zone_records(w, "a.test", plan, slot);
  EXPECT_TRUE(contains(r, "a.test. MX 10 mx1.a.test."));
  EXPECT_FALSE(contains(r, "a.test. MX 20 mx2.a.test."));
  EXPECT_TRUE(contains(r, "mx1.a.test. A 127.10.3.1"));
  EXPECT_TRUE(contains(r, "mx2.a.test. A 127.10.3.2"));
  EXPECT_TRUE(contains(r, "mta-sts.a.test. A 127.10.3.80"));
  EXPECT_TRUE(contains(r, "_mta-sts.a.test. TXT \"v=STSv1; id=abc\""));
  EXPECT_TRUE(contains(r, "_smtp._tls.a.test. TXT \"v=TLSRPTv1; rua=mailto:r@a.test\""));
  EXPECT_TRUE(contains(r, "extra.a.test. A 127.0.0.9"));
}

TEST(ZoneRecords, HostDownPointsAtAnAddressNobodyServesAndNoRecordMeansNoTxt) {
  WorldSpec w;
  w.policy_host.up = false;
  w.sts_record.reset();
  const auto r = zone_records(w, "a.test", AddressPlan(0), [](const std::string&) { return 0; });
  EXPECT_TRUE(contains(r, "mta-sts.a.test. A 127.10.0.81"));
  EXPECT_TRUE(std::none_of(
      r.begin(), r.end(), [](const std::string& s) { return s.find("TXT") != std::string::npos; }));
}

TEST(ZoneRecords, LongTxtIsSplitIntoCharacterStringsAndQuotesEscaped) {
  WorldSpec w;
  w.sts_record = std::string(300, 'x') + "\"q";
  const auto r = zone_records(w, "a.test", AddressPlan(0), [](const std::string&) { return 0; });
  const auto txt = std::find_if(r.begin(), r.end(),
                                [](const std::string& s) { return s.rfind("_mta-sts.", 0) == 0; });
  ASSERT_NE(txt, r.end());
  EXPECT_NE(txt->find("\" \""), std::string::npos);  // two character-strings
  EXPECT_NE(txt->find("\\\"q"), std::string::npos);
}

}  // namespace
}  // namespace stslab::harness
