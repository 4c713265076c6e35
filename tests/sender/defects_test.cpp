// The defect table: complete, unique, and every defect names requirement IDs (Part 1 STS-*,
// Part 2 RPT-*).
#include "stslab/sender/defects.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace stslab::sender {
namespace {

TEST(Defects, TableCoversEveryDefectOnce) {
  std::set<int> seen;
  std::set<std::string_view> names;
  for (const auto& d : defect_table()) {
    EXPECT_TRUE(seen.insert(static_cast<int>(d.defect)).second) << d.name;
    EXPECT_TRUE(names.insert(d.name).second) << d.name;
    EXPECT_EQ(parse_defect(d.name), d.defect);
    EXPECT_FALSE(d.summary.empty());
    ASSERT_FALSE(d.requirements.empty()) << d.name;
    for (auto id : d.requirements) {
      EXPECT_TRUE(std::regex_match(std::string(id), std::regex("(STS-[A-Z]+|RPT)-[0-9]{2}"))) << id;
    }
  }
  EXPECT_EQ(seen.size(), kDefectCount);
  EXPECT_FALSE(parse_defect("no-such-defect"));
}

TEST(Defects, SetHoldsWhatWasAdded) {
  DefectSet s{Defect::no_sni};
  EXPECT_TRUE(s.has(Defect::no_sni));
  EXPECT_FALSE(s.has(Defect::cn_fallback));
  EXPECT_TRUE(DefectSet{}.empty());
}

}  // namespace
}  // namespace stslab::sender
