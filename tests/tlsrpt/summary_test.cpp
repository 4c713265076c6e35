#include "stslab/tlsrpt/summary.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "stslab/tlsrpt/strict_json.hpp"
#include "stslab/tlsrpt/validate.hpp"
#include "test_support.hpp"

namespace stslab::tlsrpt {
namespace {

TEST(Summary, SeedExample) {
  const auto v = validate_report(parse_strict_json(testing::fixture("seed001-google.json")));
  const auto s = summarize(v.report);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].policy_domain, "example.com");
  EXPECT_EQ(s[0].successful_sessions, 4521);
  EXPECT_EQ(s[0].failed_sessions, 3);
  EXPECT_EQ(format_rate(s[0].success_basis_points), "99.93");
  ASSERT_EQ(s[0].failures.size(), 1u);
  EXPECT_EQ(s[0].failures[0].result_type, "certificate-expired");
  EXPECT_EQ(s[0].failures[0].receiving_mx_hostname, "mail2.example.com");
  EXPECT_EQ(s[0].failures[0].sessions, 3);
  EXPECT_EQ(s[0].failures_by_result_type.at("certificate-expired"), 3);
  EXPECT_EQ(s[0].failures_by_mx.at("mail2.example.com"), 3);
}

PolicyResult policy(const std::string& domain, const std::string& type, std::int64_t ok,
                    std::int64_t failed, std::vector<FailureDetail> failures = {}) {
  return PolicyResult{.policy = {.type = type, .domain = domain},
                      .successful_sessions = ok,
                      .failed_sessions = failed,
                      .failures = std::move(failures)};
}

FailureDetail failure(const std::string& type, const std::string& mx, std::int64_t n) {
  return FailureDetail{.result_type = type, .receiving_mx_hostname = mx, .failed_session_count = n};
}

TEST(Summary, PoliciesOfOneDomainAddUpAndFailuresMerge) {
  Report r;
  r.policies = {
      policy("a.example", "sts", 10, 2, {failure("certificate-expired", "mx1.a.example", 2)}),
      policy("b.example", "no-policy-found", 4, 0),
      policy("a.example", "tlsa", 5, 3,
             {failure("certificate-expired", "mx1.a.example", 1),
              failure("tlsa-invalid", "mx2.a.example", 2)}),
  };
  const auto s = summarize(r);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].policy_domain, "a.example");
  EXPECT_EQ(s[0].policy_types, (std::vector<std::string>{"sts", "tlsa"}));
  EXPECT_EQ(s[0].successful_sessions, 15);
  EXPECT_EQ(s[0].failed_sessions, 5);
  EXPECT_EQ(format_rate(s[0].success_basis_points), "75.00");
  ASSERT_EQ(s[0].failures.size(), 2u);
  EXPECT_EQ(s[0].failures[0].sessions, 3);
  EXPECT_EQ(s[0].failures_by_mx.at("mx2.a.example"), 2);
  EXPECT_EQ(s[0].failures_by_result_type.at("certificate-expired"), 3);
  EXPECT_EQ(format_rate(s[1].success_basis_points), "100.00");
}

TEST(Summary, RateIsRoundedDownSo100MeansNoFailure) {
  Report r;
  r.policies = {policy("a.example", "sts", 99999, 1)};
  EXPECT_EQ(format_rate(summarize(r)[0].success_basis_points), "99.99");
}

TEST(Summary, NoSessionsHasNoRate) {
  Report r;
  r.policies = {policy("a.example", "sts", 0, 0)};
  EXPECT_FALSE(summarize(r)[0].success_basis_points);
  EXPECT_EQ(format_rate(std::nullopt), "n/a");
  EXPECT_EQ(format_rate(5), "0.05");
}

TEST(Summary, RateOfHugeCountsIsExact) {
  // successful * 10000 no longer fits 64 bits; the old code printed "-84.-46".
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  Report r;
  r.policies = {policy("a.example", "sts", kMax, kMax)};
  const auto s = summarize(r);
  EXPECT_EQ(format_rate(s[0].success_basis_points), "50.00");
  r.policies = {policy("a.example", "sts", 1'000'000'000'000'000, 1)};
  EXPECT_EQ(format_rate(summarize(r)[0].success_basis_points), "99.99");
}

TEST(Summary, SumsStopAtTheLargestCountInsteadOfWrapping) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  Report r;
  r.policies = {policy("a.example", "sts", kMax, kMax, {failure("tlsa-invalid", "mx", kMax)}),
                policy("a.example", "sts", kMax, 1, {failure("tlsa-invalid", "mx", kMax)})};
  const auto s = summarize(r);
  EXPECT_EQ(s[0].successful_sessions, kMax);
  EXPECT_EQ(s[0].failed_sessions, kMax);
  EXPECT_EQ(s[0].failures.at(0).sessions, kMax);
  EXPECT_EQ(s[0].failures_by_mx.at("mx"), kMax);
  EXPECT_EQ(format_rate(s[0].success_basis_points), "50.00");
}

TEST(Summary, OnlyZeroTo10000IsARate) {
  EXPECT_EQ(format_rate(-8446), "n/a");
  EXPECT_EQ(format_rate(10001), "n/a");
  EXPECT_EQ(format_rate(10000), "100.00");
}

TEST(Summary, ManyDistinctDomainsAndFailuresKeepTheirOrder) {
  // The indexes that made this n log n must not change what comes out, or in which order.
  Report r;
  for (int i = 0; i < 3000; ++i) {
    const std::string domain = "d" + std::to_string(i % 1000) + ".example";
    r.policies.push_back(policy(domain, i < 1000 ? "sts" : "tlsa", 1, 1,
                                {failure("tlsa-invalid", "mx" + std::to_string(i % 7), 1),
                                 failure("certificate-expired", "mx" + std::to_string(i), 1)}));
  }
  const auto s = summarize(r);
  ASSERT_EQ(s.size(), 1000u);
  EXPECT_EQ(s[0].policy_domain, "d0.example");
  EXPECT_EQ(s[999].policy_domain, "d999.example");
  EXPECT_EQ(s[5].policy_types, (std::vector<std::string>{"sts", "tlsa"}));
  EXPECT_EQ(s[5].successful_sessions, 3);
  // d5: policies 5, 1005, 2005; tlsa-invalid on mx5, mx4 (1005 % 7), mx3 (2005 % 7).
  ASSERT_EQ(s[5].failures.size(), 6u);
  EXPECT_EQ(s[5].failures[0].receiving_mx_hostname, "mx5");
  EXPECT_EQ(s[5].failures[1].receiving_mx_hostname, "mx5");
  EXPECT_EQ(s[5].failures[1].result_type, "certificate-expired");
  EXPECT_EQ(s[5].failures[2].receiving_mx_hostname, "mx4");
  EXPECT_EQ(s[5].failures_by_result_type.at("tlsa-invalid"), 3);
}

}  // namespace
}  // namespace stslab::tlsrpt
