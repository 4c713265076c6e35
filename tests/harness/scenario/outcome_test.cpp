#include "stslab/harness/outcome.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

namespace stslab::harness {
namespace {

using ::testing::HasSubstr;

TEST(Outcome, WordsRoundTrip) {
  for (auto o : {Outcome::delivered_tls, Outcome::delivered_untrusted_tls,
                 Outcome::delivered_plaintext, Outcome::withheld}) {
    EXPECT_EQ(parse_outcome(to_string(o)), o);
  }
  for (auto l : {Level::must, Level::should, Level::may, Level::info}) {
    EXPECT_EQ(parse_level(to_string(l)), l);
  }
  for (auto v : {Verdict::pass, Verdict::fail, Verdict::warn, Verdict::info, Verdict::inconclusive,
                 Verdict::unsupported, Verdict::error}) {
    EXPECT_EQ(parse_verdict(to_string(v)), v);
  }
}

TEST(Outcome, WordsAreTheDocumentedOnes) {
  EXPECT_EQ(to_string(Outcome::delivered_untrusted_tls), "delivered-untrusted-tls");
  EXPECT_EQ(to_string(Outcome::withheld), "withheld");
  EXPECT_EQ(to_string(Level::should), "SHOULD");
  EXPECT_EQ(to_string(Verdict::inconclusive), "INCONCLUSIVE");
}

TEST(Outcome, UnknownWordListsTheKnownOnes) {
  try {
    parse_outcome("delivered");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("'delivered'"));
    EXPECT_THAT(e.what(), HasSubstr("delivered-tls, delivered-untrusted-tls"));
  }
  // Exact words only: a differently spelled level is a typo worth reporting.
  EXPECT_THROW(parse_level("must"), std::invalid_argument);
  EXPECT_THROW(parse_outcome("Withheld"), std::invalid_argument);
  EXPECT_THROW(parse_verdict(""), std::invalid_argument);
}

TEST(Judge, ExpectedOutcomePasses) {
  EXPECT_EQ(judge(Outcome::withheld, {Outcome::withheld}, Level::must), Verdict::pass);
  EXPECT_EQ(judge(Outcome::delivered_plaintext,
                  {Outcome::delivered_untrusted_tls, Outcome::delivered_plaintext}, Level::info),
            Verdict::pass);
}

TEST(Judge, UnexpectedOutcomeDependsOnLevel) {
  const std::vector<Outcome> expected{Outcome::withheld};
  EXPECT_EQ(judge(Outcome::delivered_plaintext, expected, Level::must), Verdict::fail);
  EXPECT_EQ(judge(Outcome::delivered_plaintext, expected, Level::should), Verdict::warn);
  EXPECT_EQ(judge(Outcome::delivered_plaintext, expected, Level::may), Verdict::info);
  EXPECT_EQ(judge(Outcome::delivered_plaintext, expected, Level::info), Verdict::info);
}

TEST(Judge, NothingObservedIsInconclusiveNeverPass) {
  EXPECT_EQ(judge(std::nullopt, {Outcome::withheld}, Level::must), Verdict::inconclusive);
  EXPECT_EQ(judge(std::nullopt, {Outcome::withheld}, Level::info), Verdict::inconclusive);
}

}  // namespace
}  // namespace stslab::harness
