// load_catalog: every file, every error across files, and the real catalog in scenarios/.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "temp_catalog.hpp"

namespace stslab::harness {
namespace {

using ::testing::HasSubstr;
using testing::TempCatalog;

std::string case_text(const std::string& id, const std::string& level = "MUST") {
  return "id: " + id + "\ntitle: t\nrequirements: [STS-APPLY-01]\nlevel: " + level +
         "\nworld: enforce\nsteps: [prime, {send: m1}]\nexpect: {m1: [withheld]}\n";
}

TEST(Catalog, LoadsEveryFileSortedWorldsExcluded) {
  TempCatalog cat;
  cat.write("rfc8461/5/b.yaml", case_text("rfc8461/5/b"));
  cat.write("rfc8461/4-1/a.yaml", case_text("rfc8461/4-1/a"));
  cat.write("rfc8461/5/notes.txt", "not a scenario");
  const auto scenarios = load_catalog(cat.dir());
  ASSERT_EQ(scenarios.size(), 2u);
  EXPECT_EQ(scenarios[0].id, "rfc8461/4-1/a");
  EXPECT_EQ(scenarios[1].id, "rfc8461/5/b");
}

TEST(Catalog, CollectsAllErrorsAcrossFiles) {
  TempCatalog cat;
  cat.write("rfc8461/5/good.yaml", case_text("rfc8461/5/good"));
  cat.write("rfc8461/5/bad-level.yaml", case_text("rfc8461/5/bad-level", "OFTEN"));
  cat.write("rfc8461/5/bad-syntax.yaml", "id: [\n");
  cat.write("worlds/broken.yaml", "policy: {mode: enforce, mx: 3}\n");
  const Catalog c = scan_catalog(cat.dir());
  ASSERT_EQ(c.errors.size(), 3u) << format_errors(c.errors);
  EXPECT_THAT(c.errors[0].where().file, HasSubstr("worlds/broken.yaml"));  // worlds first
  EXPECT_EQ(c.errors[0].field(), "policy.mx");
  EXPECT_THAT(c.errors[1].where().file, HasSubstr("bad-level.yaml"));
  EXPECT_EQ(c.errors[1].where().line, 4);
  EXPECT_THAT(c.errors[2].where().file, HasSubstr("bad-syntax.yaml"));
  ASSERT_EQ(c.scenarios.size(), 1u);
  EXPECT_EQ(c.scenarios[0].id, "rfc8461/5/good");

  try {
    load_catalog(cat.dir());
    FAIL() << "no exception";
  } catch (const CatalogError& e) {
    EXPECT_EQ(e.errors().size(), 3u);
    EXPECT_EQ(std::string(e.what()), format_errors(e.errors()));
  }
}

TEST(Catalog, DuplicateIdAcrossFiles) {
  TempCatalog cat;
  cat.write("rfc8461/5/x.yaml", case_text("rfc8461/5/x"));
  cat.write("rfc8461/5/y.yaml", case_text("rfc8461/5/x"));
  const Catalog c = scan_catalog(cat.dir());
  bool found = false;
  for (const auto& e : c.errors) {
    if (e.message().find("duplicate id 'rfc8461/5/x', also in") != std::string::npos) {
      found = true;
      EXPECT_THAT(e.where().file, HasSubstr("y.yaml"));
      EXPECT_EQ(e.where().line, 1);
      EXPECT_EQ(e.field(), "id");
      EXPECT_THAT(e.message(), HasSubstr("x.yaml:1"));
    }
  }
  EXPECT_TRUE(found) << format_errors(c.errors);
}

TEST(Catalog, IdMustMatchTheFilesPlace) {
  TempCatalog cat;
  cat.write("rfc8461/5/x.yaml", case_text("rfc8461/4-1/x"));
  const Catalog c = scan_catalog(cat.dir());
  ASSERT_EQ(c.errors.size(), 1u) << format_errors(c.errors);
  EXPECT_EQ(c.errors[0].field(), "id");
  EXPECT_THAT(c.errors[0].message(), HasSubstr("rfc8461/4-1/x.yaml"));
}

TEST(Catalog, MissingOrEmptyDirectoryIsAnError) {
  EXPECT_THROW(load_catalog("/nonexistent/stslab/scenarios"), ScenarioError);
  TempCatalog cat;
  EXPECT_THROW(load_catalog(cat.dir()), ScenarioError);  // worlds only, no scenario
}

// The real catalog, as `stslab lint` sees it.
class RealCatalog : public ::testing::Test {
 protected:
  static std::vector<Scenario> load() {
    const Catalog c = scan_catalog(STSLAB_SCENARIOS_DIR);
    EXPECT_TRUE(c.errors.empty()) << format_errors(c.errors);
    return c.scenarios;
  }
};

TEST_F(RealCatalog, LoadsWithoutErrors) {
  const auto scenarios = load();
  EXPECT_GE(scenarios.size(), 20u);
}

TEST_F(RealCatalog, DomainsAreDnsSafeAndUnique) {
  static const std::regex label("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  std::set<std::string> domains;
  for (const auto& s : load()) {
    const std::string d = s.domain();
    EXPECT_TRUE(domains.insert(d).second) << "two scenarios share " << d;
    EXPECT_LE(d.size(), 120u) << d;
    for (std::size_t start = 0; start < d.size();) {
      const auto dot = std::min(d.find('.', start), d.size());
      EXPECT_TRUE(std::regex_match(d.substr(start, dot - start), label)) << d;
      start = dot + 1;
    }
  }
}

TEST_F(RealCatalog, CasesAreShortAndScored) {
  for (const auto& s : load()) {
    EXPECT_FALSE(s.expect.empty()) << s.id;
    EXPECT_FALSE(s.requirements.empty()) << s.id;
  }
}

TEST_F(RealCatalog, EnforcementCasesPrimeFirst) {
  // The first message to a fresh domain may go out before the policy is fetched (RFC 8461
  // §5.1), so a case that expects a withheld message must have primed the cache before it.
  for (const auto& s : load()) {
    bool expects_withheld = false;
    for (const auto& [name, outcomes] : s.expect) {
      for (auto o : outcomes)
        expects_withheld = expects_withheld || o == Outcome::withheld;
    }
    if (!expects_withheld) continue;
    ASSERT_FALSE(s.steps.empty()) << s.id;
    EXPECT_EQ(s.steps.front().kind, Step::Kind::prime) << s.id;
  }
}

}  // namespace
}  // namespace stslab::harness
