// MX host names against mx patterns (requirements STS-MX-02..04, STS-PARSE-07).
#include "stslab/sender/mx_pattern.hpp"

#include <gtest/gtest.h>

namespace stslab::sender {
namespace {

bool matches(std::string_view host, std::string_view pattern, DefectSet d = {}) {
  return mx_matches(host, pattern, d);
}

TEST(MxPattern, ExactNameMatchesOnlyItself) {  // STS-MX-02
  EXPECT_TRUE(matches("mail.a.test", "mail.a.test"));
  EXPECT_FALSE(matches("mail2.a.test", "mail.a.test"));
  EXPECT_FALSE(matches("x.mail.a.test", "mail.a.test"));
}

TEST(MxPattern, WildcardCoversExactlyOneLabel) {  // STS-MX-03
  EXPECT_TRUE(matches("a.d.test", "*.d.test"));
  EXPECT_FALSE(matches("d.test", "*.d.test"));
  EXPECT_FALSE(matches("a.b.d.test", "*.d.test"));
  EXPECT_FALSE(matches("xd.test", "*.d.test"));
}

TEST(MxPattern, DefectWildcardAnyDepth) {
  EXPECT_TRUE(matches("a.b.d.test", "*.d.test", {Defect::wildcard_any_depth}));
  EXPECT_FALSE(matches("d.test", "*.d.test", {Defect::wildcard_any_depth}));
}

TEST(MxPattern, CaseAndTrailingDot) {  // STS-MX-04
  EXPECT_TRUE(matches("mail.example.test.", "MAIL.Example.TEST"));
  EXPECT_TRUE(matches("MAIL.example.test", "mail.example.test."));
  EXPECT_TRUE(matches("A.D.TEST", "*.d.test"));
}

TEST(MxPattern, MalformedPatternsNeverMatch) {  // STS-PARSE-07
  EXPECT_FALSE(matches("a.b.d.test", "*.*.d.test"));
  EXPECT_FALSE(matches("mail1.d.test", "mail*.d.test"));
  EXPECT_FALSE(matches("xd.test", "*d.test"));
  EXPECT_FALSE(
      matches("mx.b\xc3\xbc"
              "cher.test",
              "mx.b\xc3\xbc"
              "cher.test"));
  EXPECT_FALSE(matches("mail.a.test", "a.test, mail.a.test"));
  EXPECT_TRUE(is_valid_mx_pattern("mx.xn--bcher-kva.test"));
  EXPECT_FALSE(is_valid_mx_pattern("-bad.test"));
}

TEST(MxPattern, AnyOfSeveral) {
  const std::vector<std::string> patterns = {"other.test", "*.a.test"};
  EXPECT_TRUE(mx_matches_any("mx1.a.test", patterns, {}));
  EXPECT_FALSE(mx_matches_any("mx1.b.test", patterns, {}));
}

}  // namespace
}  // namespace stslab::sender
