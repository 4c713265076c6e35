// The _mta-sts TXT record: discard rule, exactly-one rule and the §3.1 ABNF
// (requirements STS-DISC-02..07).
#include "stslab/sender/txt_record.hpp"

#include <gtest/gtest.h>

namespace stslab::sender {
namespace {

using Kind = TxtSelection::Kind;

TxtSelection select(std::vector<std::string> records, DefectSet defects = {}) {
  return select_sts_record(records, defects);
}

TEST(TxtRecord, KeepsTheValidRecordAmongOthers) {  // STS-DISC-02 (a)
  auto s = select({"foo=bar", "v=STSv1; id=a1"});
  EXPECT_EQ(s.kind, Kind::valid);
  EXPECT_EQ(s.id, "a1");
}

TEST(TxtRecord, PrefixIsCaseSensitive) {  // STS-DISC-02 (b)
  EXPECT_EQ(select({"V=STSv1; id=a1"}).kind, Kind::none);
  EXPECT_EQ(select({"v=stsv1; id=a1"}).kind, Kind::none);
  EXPECT_EQ(select({}).kind, Kind::none);
}

TEST(TxtRecord, TwoRecordsMeanNoPolicy) {  // STS-DISC-03
  EXPECT_EQ(select({"v=STSv1; id=a1", "v=STSv1; id=b2"}).kind, Kind::multiple);
}

TEST(TxtRecord, DefectMultipleTxtAcceptedUsesTheFirst) {
  auto s = select({"v=STSv1; id=a1", "v=STSv1; id=b2"}, {Defect::multiple_txt_accepted});
  EXPECT_EQ(s.kind, Kind::valid);
  EXPECT_EQ(s.id, "a1");
}

TEST(TxtRecord, InvalidSingleRecords) {  // STS-DISC-04
  EXPECT_EQ(select({"v=STSv1; id=2024-01-01"}).kind, Kind::invalid);
  EXPECT_EQ(select({"v=STSv1;"}).kind, Kind::invalid);
  EXPECT_EQ(select({"v=STSv1; id=" + std::string(33, 'a')}).kind, Kind::invalid);
  EXPECT_EQ(select({"id=a1; v=STSv1"}).kind, Kind::none);  // version not first: discarded
  EXPECT_EQ(select({"v=STSv1; id=a1+b"}).kind, Kind::invalid);
  EXPECT_EQ(select({"v=STSv1; id=a_1"}).kind, Kind::invalid);
  EXPECT_EQ(select({"v=STSv1; id=a.1"}).kind, Kind::invalid);
  EXPECT_EQ(select({"v=STSv1; id=a1; x=caf\xc3\xa9"}).kind, Kind::invalid);  // non-ASCII
  EXPECT_EQ(select({"v=STSv1; foo=bar"}).kind, Kind::invalid);               // no id
  EXPECT_EQ(select({"v=STSv1; id=a1;; foo=bar"}).kind, Kind::invalid);       // empty field
  EXPECT_EQ(select({"v=STSv1; id="}).kind, Kind::invalid);
}

TEST(TxtRecord, ThirtyTwoCharacterIdIsFine) {
  auto s = select({"v=STSv1; id=" + std::string(32, 'Z')});
  EXPECT_EQ(s.kind, Kind::valid);
}

TEST(TxtRecord, JoinedStringsParse) {  // STS-DISC-05: the resolver joins with no separator
  EXPECT_EQ(select({std::string("v=STSv1; i") + "d=abc123"}).id, "abc123");
  EXPECT_EQ(select({std::string("v=STSv1; i") + " " + "d=abc123"}).kind, Kind::invalid);
}

TEST(TxtRecord, UnknownExtensionsAreIgnored) {  // STS-DISC-06
  auto s = select({"v=STSv1; foo=bar; x_y.z=1; id=a1;"});
  EXPECT_EQ(s.kind, Kind::valid);
  EXPECT_EQ(s.id, "a1");
  EXPECT_EQ(select({"v=STSv1; _x=1; id=a1"}).kind, Kind::invalid);   // name must start alnum
  EXPECT_EQ(select({"v=STSv1; id=a1; x=a=b"}).kind, Kind::invalid);  // '=' not in values
}

TEST(TxtRecord, WhitespaceAroundDelimiters) {  // STS-DISC-07
  EXPECT_EQ(select({"v=STSv1;   id=a1"}).kind, Kind::valid);
  EXPECT_EQ(select({"v=STSv1;\tid=a1;"}).kind, Kind::valid);
  EXPECT_EQ(select({"v=STSv1; id=a1"}).kind, Kind::valid);
  EXPECT_EQ(select({"v=STSv1; id=a1 ; x=y; \t"}).kind, Kind::valid);
  EXPECT_EQ(select({"v=STSv1; id=a1  "}).kind, Kind::invalid);    // blanks need a ';' (ABNF)
  EXPECT_EQ(select({"v=STSv1; id=a1 x=y"}).kind, Kind::invalid);  // blank is not a delimiter
}

}  // namespace
}  // namespace stslab::sender
