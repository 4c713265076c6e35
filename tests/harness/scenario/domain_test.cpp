// Scenario::domain(): readable, DNS-safe, unique per id.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "stslab/harness/scenario.hpp"

namespace stslab::harness {
namespace {

std::string domain_of(const std::string& id) {
  Scenario s;
  s.id = id;
  return s.domain();
}

// Every label a valid LDH label of at most 63 octets, the whole name short enough that
// "_smtp._tls.", "_mta-sts." or "mta-sts." in front of it stays far below 253.
void expect_dns_safe(const std::string& domain) {
  static const std::regex label("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  std::size_t start = 0;
  while (start <= domain.size()) {
    const auto dot = domain.find('.', start);
    const std::string l = domain.substr(start, dot == std::string::npos ? dot : dot - start);
    EXPECT_TRUE(std::regex_match(l, label)) << "label '" << l << "' of " << domain;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  EXPECT_LE(domain.size(), 140u) << domain;
  EXPECT_TRUE(domain.ends_with(".test")) << domain;
}

TEST(ScenarioDomain, ReadableSlugThenSection) {
  EXPECT_EQ(domain_of("rfc8461/5/enforce-starttls-stripped"),
            "enforce-starttls-stripped.rfc8461-5.test");
  EXPECT_EQ(domain_of("rfc8461/3-1/stale-id"), "stale-id.rfc8461-3-1.test");
  EXPECT_EQ(domain_of("rfc8460/appendix-b/x"), "x.rfc8460-appendix-b.test");
}

TEST(ScenarioDomain, SameSlugInDifferentSectionsDiffers) {
  EXPECT_NE(domain_of("rfc8461/5/x"), domain_of("rfc8461/4-1/x"));
  EXPECT_NE(domain_of("rfc8461/5/x"), domain_of("rfc8460/5/x"));
}

TEST(ScenarioDomain, LongSlugIsShortenedWithAHash) {
  const std::string base = "rfc8461/5/" + std::string(70, 'a');
  const std::string d1 = domain_of(base + "-one");
  const std::string d2 = domain_of(base + "-two");
  expect_dns_safe(d1);
  expect_dns_safe(d2);
  EXPECT_NE(d1, d2);
  EXPECT_TRUE(d1.starts_with(std::string(40, 'a'))) << d1;  // still readable
  EXPECT_EQ(d1.find('.'), 63u) << d1;
}

TEST(ScenarioDomain, OddIdsStillGiveDnsSafeNames) {
  for (const std::string id : {"", "x", "Rfc8461/5/Under_Score", "a//b", "-/-/-"}) {
    expect_dns_safe(domain_of(id));
  }
}

}  // namespace
}  // namespace stslab::harness
