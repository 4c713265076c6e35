// The policy file parser (requirements STS-PARSE-01..08).
#include <gtest/gtest.h>

#include "stslab/sender/policy.hpp"

namespace stslab::sender {
namespace {

const std::string kEnforce = "version: STSv1\nmode: enforce\nmx: mail.a.test\nmax_age: 86400\n";

Policy must_parse(std::string_view text, DefectSet defects = {}) {
  auto r = parse_policy(text, defects);
  EXPECT_TRUE(r.policy) << text << " -> " << r.error;
  return r.policy.value_or(Policy{});
}

void must_fail(std::string_view text) {
  auto r = parse_policy(text, {});
  EXPECT_FALSE(r.policy) << "accepted: " << text;
}

TEST(PolicyParse, AcceptsTheUsualShapes) {  // STS-PARSE-01
  auto p = must_parse(kEnforce);
  EXPECT_EQ(p.mode, PolicyMode::enforce);
  EXPECT_EQ(p.max_age, 86400u);
  EXPECT_EQ(p.mx, std::vector<std::string>{"mail.a.test"});
  must_parse("version: STSv1\r\nmode: enforce\r\nmx: mail.a.test\r\nmax_age: 86400\r\n");
  must_parse("mode: enforce\nversion: STSv1\nmx: mail.a.test\nmax_age: 86400");
  must_parse(kEnforce + "foo_bar: baz\n");
  EXPECT_EQ(must_parse(kEnforce).lines().size(), 4u);
}

TEST(PolicyParse, FirstOccurrenceWins) {  // STS-PARSE-02
  EXPECT_EQ(must_parse(kEnforce + "mode: none\n").mode, PolicyMode::enforce);
  EXPECT_EQ(must_parse("version: STSv1\nmode: none\nmode: enforce\nmax_age: 1\n").mode,
            PolicyMode::none);
}

TEST(PolicyParse, DefectLastDuplicateKeyWins) {
  EXPECT_EQ(must_parse(kEnforce + "mode: none\n", {Defect::last_duplicate_key_wins}).mode,
            PolicyMode::none);
}

TEST(PolicyParse, EveryMxLineCounts) {  // STS-PARSE-03
  auto p = must_parse(
      "version: STSv1\nmode: enforce\nmx: a.test\nmx: b.test\nmx: *.c.test\n"
      "max_age: 60\n");
  EXPECT_EQ(p.mx.size(), 3u);
  auto q = must_parse("version: STSv1\nmode: enforce\nmx: a.test, mail.a.test\nmax_age: 60\n");
  EXPECT_EQ(q.mx, std::vector<std::string>{"a.test, mail.a.test"});  // one (invalid) pattern
}

TEST(PolicyParse, ExactVersionAndMode) {  // STS-PARSE-04
  must_fail("version: STSv1\nmode: Enforce\nmx: a.test\nmax_age: 60\n");
  must_fail("version: STSv1\nmode: reject\nmx: a.test\nmax_age: 60\n");
  must_fail("version: STSv2\nmode: enforce\nmx: a.test\nmax_age: 60\n");
}

TEST(PolicyParse, RequiredFields) {  // STS-PARSE-05
  must_fail("mode: enforce\nmx: a.test\nmax_age: 60\n");
  must_fail("version: STSv1\nmx: a.test\nmax_age: 60\n");
  must_fail("version: STSv1\nmode: enforce\nmx: a.test\n");
  must_fail("version: STSv1\nmode: enforce\nmax_age: 60\n");
  must_fail("version: STSv1\nmode: testing\nmax_age: 60\n");
  EXPECT_EQ(must_parse("version: STSv1\nmode: none\nmax_age: 86400\n").mode, PolicyMode::none);
  must_fail("");
}

TEST(PolicyParse, MaxAgeSyntaxAndCap) {  // STS-PARSE-06
  for (const char* bad : {"86400s", "-1", "1e6", "", "12345678901"}) {
    must_fail(std::string("version: STSv1\nmode: none\nmax_age: ") + bad + "\n");
  }
  auto zero = must_parse("version: STSv1\nmode: none\nmax_age: 0\n");
  EXPECT_EQ(zero.max_age, 0u);
  auto big = must_parse("version: STSv1\nmode: none\nmax_age: 9999999999\n");
  EXPECT_EQ(effective_max_age(big, {}), kMaxAgeCap);
  EXPECT_EQ(effective_max_age(big, {Defect::max_age_unbounded}), 9999999999u);
  auto small = must_parse("version: STSv1\nmode: none\nmax_age: 31557600\n");
  EXPECT_EQ(effective_max_age(small, {}), 31557600u);
}

TEST(PolicyParse, FieldWhitespace) {  // STS-PARSE-08
  must_parse("version:STSv1\nmode:enforce\nmx:a.test\nmax_age:60");
  EXPECT_EQ(must_parse("version: STSv1\nmode:\t enforce  \nmx: a.test\nmax_age: 60").mode,
            PolicyMode::enforce);
  must_fail("version: STSv1\nmode : enforce\nmx: a.test\nmax_age: 60\n");
  must_fail("version: STSv1\n mode: enforce\nmx: a.test\nmax_age: 60\n");
  must_fail("version: STSv1\nthis is not a field\nmode: none\nmax_age: 60\n");
}

}  // namespace
}  // namespace stslab::sender
