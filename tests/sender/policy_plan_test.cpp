// Cache decisions (RFC 8461 §3.1, §3.3, §5.1): fresh, expired, id change, missing TXT, failed
// fetch; and the on-disk cache itself.
#include "stslab/sender/policy_plan.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace stslab::sender {
namespace {

using std::chrono::hours;
using std::chrono::seconds;
using State = TxtOutcome::State;

const WallClock::time_point kNow = WallClock::time_point(seconds(1'800'000'000));

CachedPolicy cached(std::string id, seconds age, std::uint64_t max_age = 86400) {
  CachedPolicy c;
  c.domain = "a.test";
  c.id = std::move(id);
  c.fetched_at = kNow - age;
  c.policy.mode = PolicyMode::enforce;
  c.policy.max_age = max_age;
  c.policy.mx = {"mx1.a.test"};
  c.policy.text = "version: STSv1\nmode: enforce\nmx: mx1.a.test\nmax_age: 86400\n";
  return c;
}

PolicyPlan plan(TxtOutcome txt, std::optional<CachedPolicy> c, DefectSet d = {}) {
  return plan_policy(txt, c, kNow, d).plan;
}

TEST(PolicyPlan, FreshCacheWithSameIdIsUsed) {  // STS-CACHE-01
  EXPECT_EQ(plan({State::valid, "a1"}, cached("a1", hours(1))), PolicyPlan::use_cache);
}

TEST(PolicyPlan, NoCacheMeansFetch) {
  EXPECT_EQ(plan({State::valid, "a1"}, std::nullopt), PolicyPlan::fetch);
}

TEST(PolicyPlan, ChangedIdMeansFetchEvenIfItLooksOlder) {  // STS-CACHE-02
  EXPECT_EQ(plan({State::valid, "20250101"}, cached("20250102", hours(1))), PolicyPlan::fetch);
}

TEST(PolicyPlan, DefectIgnoreIdChangeKeepsTheCache) {
  EXPECT_EQ(plan({State::valid, "b2"}, cached("a1", hours(1)), {Defect::ignore_id_change}),
            PolicyPlan::use_cache);
}

TEST(PolicyPlan, ExpiredCacheIsNotApplied) {  // STS-CACHE-03
  EXPECT_EQ(plan({State::valid, "a1"}, cached("a1", seconds(180), 120)), PolicyPlan::fetch);
  EXPECT_EQ(plan({State::absent, ""}, cached("a1", seconds(180), 120)), PolicyPlan::no_policy);
  EXPECT_EQ(plan({State::lookup_failed, ""}, cached("a1", seconds(180), 120)),
            PolicyPlan::no_policy);
}

TEST(PolicyPlan, MaxAgeZeroIsNeverFresh) {  // STS-CACHE-04
  EXPECT_FALSE(is_fresh(cached("a1", seconds(0), 0), kNow, {}));
  EXPECT_TRUE(is_fresh(cached("a1", seconds(119), 120), kNow, {}));
  EXPECT_FALSE(is_fresh(cached("a1", seconds(120), 120), kNow, {}));
}

TEST(PolicyPlan, MaxAgeIsCappedAtOneYear) {  // STS-PARSE-06, STS-CACHE-03
  auto c = cached("a1", seconds(kMaxAgeCap + 10), 9999999999);
  EXPECT_FALSE(is_fresh(c, kNow, {}));
  EXPECT_TRUE(is_fresh(c, kNow, {Defect::max_age_unbounded}));
}

TEST(PolicyPlan, MissingTxtKeepsTheCache) {  // STS-CACHE-07, STS-FETCH-10 (a)
  auto d = plan_policy({State::absent, ""}, cached("a1", hours(1)), kNow, {});
  EXPECT_EQ(d.plan, PolicyPlan::use_cache);
  EXPECT_FALSE(d.forget_cache);
}

TEST(PolicyPlan, DefectDropCacheOnMissingTxt) {
  auto d = plan_policy({State::absent, ""}, cached("a1", hours(1)), kNow,
                       {Defect::drop_cache_on_missing_txt});
  EXPECT_EQ(d.plan, PolicyPlan::no_policy);
  EXPECT_TRUE(d.forget_cache);
}

TEST(PolicyPlan, FailedTxtLookupUsesTheCache) {  // STS-FETCH-10 (b)
  EXPECT_EQ(plan({State::lookup_failed, ""}, cached("a1", hours(1))), PolicyPlan::use_cache);
  EXPECT_EQ(
      plan({State::lookup_failed, ""}, cached("a1", hours(1)), {Defect::drop_cache_on_missing_txt}),
      PolicyPlan::use_cache);
  EXPECT_EQ(plan({State::lookup_failed, ""}, std::nullopt), PolicyPlan::no_policy);
}

TEST(PolicyPlan, NoTxtNoCacheNoPolicy) {  // STS-DISC-03/04: no fetch
  EXPECT_EQ(plan({State::absent, ""}, std::nullopt), PolicyPlan::no_policy);
}

TEST(AfterFetchFailure, CacheThenNoPolicy) {  // STS-FETCH-09, STS-FETCH-10 (c)
  EXPECT_EQ(after_fetch_failure(cached("a1", hours(1)), kNow, {}), AfterFetchFailure::use_cache);
  EXPECT_EQ(after_fetch_failure(std::nullopt, kNow, {}), AfterFetchFailure::no_policy);
  EXPECT_EQ(after_fetch_failure(cached("a1", hours(48)), kNow, {}), AfterFetchFailure::no_policy);
}

TEST(AfterFetchFailure, DefectFailClosed) {
  EXPECT_EQ(after_fetch_failure(std::nullopt, kNow, {Defect::fail_closed_on_fetch_error}),
            AfterFetchFailure::defer);
}

class PolicyCacheFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("stslab-sender-cache-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::filesystem::path dir;
};

TEST_F(PolicyCacheFiles, StoreLoadRemove) {
  PolicyCache cache(dir);
  EXPECT_FALSE(cache.load("a.test"));
  auto entry = cached("a1", hours(2));
  cache.store(entry);
  auto back = cache.load("A.test.");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id, "a1");
  EXPECT_EQ(back->fetched_at, entry.fetched_at);
  EXPECT_EQ(back->policy.mode, PolicyMode::enforce);
  EXPECT_EQ(back->policy.mx, entry.policy.mx);
  EXPECT_EQ(back->policy.text, entry.policy.text);
  cache.remove("a.test");
  EXPECT_FALSE(cache.load("a.test"));
}

TEST_F(PolicyCacheFiles, CorruptFileIsNoCache) {
  PolicyCache cache(dir);
  std::filesystem::create_directories(cache.file_for("a.test").parent_path());
  std::ofstream(cache.file_for("a.test")) << "{not json";
  std::string problem;
  EXPECT_FALSE(cache.load("a.test", &problem));
  EXPECT_FALSE(problem.empty());
}

TEST_F(PolicyCacheFiles, HostileNamesStayInTheDirectory) {
  PolicyCache cache(dir);
  EXPECT_EQ(cache.file_for("../../etc/passwd").parent_path(), dir / "policies");
  EXPECT_EQ(cache.file_for("a/b").parent_path(), dir / "policies");
}

}  // namespace
}  // namespace stslab::sender
