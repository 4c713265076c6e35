// Scenario files that used to cost gigabytes, pass lint and then fail at run time, or leak
// yaml-cpp's words (issue 10, item 8): each is now an error naming the file and the line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "stslab/harness/bounded_yaml.hpp"
#include "temp_catalog.hpp"

namespace stslab::harness {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::TempCatalog;

const std::string kHead = R"(id: rfc8461/5/a
title: t
requirements: [STS-APPLY-01]
level: MUST
world: enforce
)";
const std::string kTail = R"(steps:
  - send: m1
expect:
  m1: [delivered-tls]
)";

std::string all_errors(const std::vector<ScenarioError>& errors) {
  return format_errors(errors);
}

// `dns: [&s "<1 MB>", *s x1000]` took 34 s and 3 GB to lint.
TEST(HostileScenario, AliasesThatExpandBeyondTheBoundAreRefusedBeforeAnyNodeIsBuilt) {
  TempCatalog cat;
  std::string text = kHead + "dns: [&s \"" + std::string(500'000, 'x') + "\"";
  for (int i = 0; i < 1000; ++i)
    text += ", *s";
  text += "]\n" + kTail;
  const auto errors = cat.errors_of("a.yaml", text);
  ASSERT_EQ(errors.size(), 1u) << all_errors(errors);
  EXPECT_EQ(errors[0].where().line, 6);
  EXPECT_THAT(errors[0].message(), HasSubstr("anchors and aliases expand to more than"));
  // A few small aliases are fine.
  const auto ok =
      cat.errors_of("b.yaml", kHead + "topics: &t [x]\nmx: {mx1: {cert: valid}}\n" + kTail);
  EXPECT_TRUE(ok.empty()) << all_errors(ok);
}

// Nested aliases ("billion laughs") are measured as they would expand.
TEST(HostileScenario, NestedAliasesAreMeasuredExpanded) {
  TempCatalog cat;
  std::string text = "a: &a [\"" + std::string(100, 'x') + "\"]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'k'; ++c, ++prev) {
    text += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i)
      text += std::string(i ? ", " : "") + "*" + prev;
    text += "]\n";
  }
  const auto path = cat.write("laughs.yaml", text);
  try {
    load_bounded_yaml(path);
    FAIL() << "no error";
  } catch (const YamlLoadError& e) {
    EXPECT_THAT(e.what(), HasSubstr("expand to more than"));
    EXPECT_GT(e.line(), 1);
  }
}

// Found by fuzz_scenario_yaml and fuzz_adapter_manifest: a line starting with ',' made yaml-cpp
// 0.7 report empty documents without moving on (its issue #1040); only the expansion bound
// stopped it, after 8 million documents and half a minute. Now it is the line's syntax error.
TEST(HostileScenario, AStrayCommaIsASyntaxErrorAtItsLineNotAnEndlessStreamOfDocuments) {
  TempCatalog cat;
  for (const std::string& text :
       std::vector<std::string>{",", "# a comment\n,id: x\n", kHead + ",\n" + kTail}) {
    const auto path = cat.write("comma.yaml", text);
    try {
      load_bounded_yaml(path);
      ADD_FAILURE() << "no error for " << text;
    } catch (const YamlLoadError& e) {
      EXPECT_THAT(e.what(), HasSubstr("YAML syntax error")) << text;
      EXPECT_THAT(e.what(), Not(HasSubstr("expand to more than"))) << text;
      EXPECT_GE(e.line(), 1) << text;
    }
  }
  // Several real documents in one file still load.
  EXPECT_EQ(load_bounded_yaml(cat.write("docs.yaml", "---\na: 1\n---\nb: 2\n---\n")).size(), 3u);
}

TEST(HostileScenario, AFileOverTheSizeBoundOrNotAFileIsRefused) {
  TempCatalog cat;
  const auto big = cat.write("big.yaml", "# " + std::string(kMaxYamlFileBytes, 'x') + "\n");
  EXPECT_THROW(load_bounded_yaml(big), YamlLoadError);
  try {
    load_bounded_yaml(cat.dir());
  } catch (const YamlLoadError& e) {
    EXPECT_STREQ(e.what(), "is a directory, not a file");
  }
}

// Lint passed a garbage `dns` line, which then failed at run time as ERROR.
TEST(HostileScenario, ADnsLineThatIsNoRecordIsALintError) {
  TempCatalog cat;
  const auto errors = cat.errors_of(
      "a.yaml", kHead +
                    "dns:\n  - \"extra.{domain}. TXT \\\"fine\\\"\"\n  - \"this is no record\"\n" +
                    kTail);
  ASSERT_EQ(errors.size(), 1u) << all_errors(errors);
  EXPECT_EQ(errors[0].where().line, 8);
  EXPECT_EQ(errors[0].field(), "dns[1]");
  EXPECT_THAT(errors[0].message(), HasSubstr("not a zone-file record"));
}

// 100 MX in one world wrapped the address plan ("bind: Address already in use").
TEST(HostileScenario, MoreMxThanTheAddressPlanHoldsIsALintError) {
  TempCatalog cat;
  std::string mx = "mx:\n";
  for (std::size_t i = 1; i <= kMaxMxHosts; ++i)  // with the base world's mx1: 80
    mx += "  m" + std::to_string(i) + ": {preference: 10}\n";
  const auto errors = cat.errors_of("a.yaml", kHead + mx + kTail);
  ASSERT_EQ(errors.size(), 1u) << all_errors(errors);
  EXPECT_EQ(errors[0].where().line, 7);  // the mx map, which starts below its key
  EXPECT_THAT(errors[0].message(), HasSubstr("80 MX hosts"));
  EXPECT_THAT(errors[0].message(), HasSubstr("room for 79"));
  std::string fits = "mx:\n";
  for (std::size_t i = 2; i <= kMaxMxHosts; ++i)  // with the base world's mx1: 79
    fits += "  m" + std::to_string(i) + ": {preference: 10}\n";
  EXPECT_TRUE(cat.errors_of("b.yaml", kHead + fits + kTail).empty());
}

}  // namespace
}  // namespace stslab::harness
