#include "stslab/core/journal.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

namespace stslab::core {
namespace {

using namespace std::chrono_literals;

class JournalTest : public ::testing::Test {
 protected:
  LabClock clock;
  Journal journal{clock};
};

TEST_F(JournalTest, AppendAssignsIncreasingSeqAndTimestamps) {
  const auto a =
      journal.append(Source::dns, "dns.query", "a.test", "127.0.0.53", {{"qtype", "MX"}});
  const auto b = journal.append(Source::smtp, "smtp.session.open", "mx1.a.test", "mx1.a.test");
  EXPECT_EQ(a, 1u);
  EXPECT_EQ(b, 2u);
  const auto all = journal.all();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_LE(all[0].monotonic, all[1].monotonic);
  EXPECT_EQ(all[0].data["qtype"], "MX");
}

// Found by fuzz_mta_log: a log line with an octet that is not UTF-8 made write_jsonl throw.
TEST_F(JournalTest, WriteJsonlReplacesBytesThatAreNotUtf8) {
  journal.append(Source::mta, "mta.delivery", "a.test", "mx1.a.test", {{"line", "bad \xca\xff!"}});
  std::ostringstream out;
  journal.write_jsonl(out);
  EXPECT_NE(out.str().find("bad \xef\xbf\xbd"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("!\"}"), std::string::npos) << out.str();
}

TEST_F(JournalTest, LabTimeFollowsTheLabClock) {
  const auto start = clock.now();
  clock.advance(std::chrono::hours(24 * 3));
  journal.append(Source::harness, "harness.step", "", "");
  const auto e = journal.all().front();
  EXPECT_GT(e.lab_time, start + std::chrono::hours(71));
  EXPECT_LT(e.lab_time, start + std::chrono::hours(73));
}

TEST_F(JournalTest, DomainFilterMatchesNameAndEverythingBelow) {
  journal.append(Source::dns, "dns.query", "_mta-sts.a.test", "127.0.0.53");
  journal.append(Source::dns, "dns.query", "b.test", "127.0.0.53");
  journal.append(Source::smtp, "smtp.session.open", "", "mx1.a.test");
  journal.append(Source::dns, "dns.query", "aa.test", "127.0.0.53");  // not below a.test
  journal.append(Source::dns, "dns.query", "A.TEST.", "127.0.0.53");  // case and root dot
  const auto got = journal.query({.domain = "a.test"});
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].domain, "_mta-sts.a.test");
  EXPECT_EQ(got[1].host, "mx1.a.test");
  EXPECT_EQ(got[2].domain, "A.TEST.");
}

TEST_F(JournalTest, KindFilterIsExactOrPrefix) {
  journal.append(Source::smtp, "smtp.session.open", "", "mx");
  journal.append(Source::smtp, "smtp.command", "", "mx");
  journal.append(Source::mitm, "mitm.attack", "", "mx");
  EXPECT_EQ(journal.query({.kind = "smtp."}).size(), 2u);
  EXPECT_EQ(journal.query({.kind = "smtp.command"}).size(), 1u);
  EXPECT_EQ(journal.query({.kind = "smtp"}).size(), 0u);
  EXPECT_EQ(journal.query({.source = Source::mitm}).size(), 1u);
  EXPECT_EQ(journal.query({.host = "MX"}).size(), 3u);
  EXPECT_EQ(journal.query({.after_seq = 2}).size(), 1u);
}

TEST(NameIsAtOrBelow, HandlesLabelBoundaries) {
  EXPECT_TRUE(name_is_at_or_below("mx1.a.test", "a.test"));
  EXPECT_TRUE(name_is_at_or_below("a.test.", "a.test"));
  EXPECT_FALSE(name_is_at_or_below("xa.test", "a.test"));
  EXPECT_FALSE(name_is_at_or_below("test", "a.test"));
  EXPECT_TRUE(name_is_at_or_below("anything", ""));
}

TEST_F(JournalTest, WaitForReturnsAnEventThatAlreadyArrived) {
  journal.append(Source::https, "https.request", "mta-sts.a.test", "mta-sts.a.test");
  const auto got = journal.wait_for({.kind = "https.request"}, std::chrono::steady_clock::now());
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->seq, 1u);
}

TEST_F(JournalTest, WaitForWakesOnAnEventFromAnotherThread) {
  std::thread writer([&] {
    for (int i = 0; i < 50; ++i)
      journal.append(Source::dns, "dns.query", "noise.test", "");
    journal.append(Source::smtp, "smtp.message", "a.test", "mx1.a.test", {{"size", 42}});
  });
  const auto got = journal.wait_for({.domain = "a.test", .kind = "smtp.message"},
                                    std::chrono::steady_clock::now() + 10s);
  writer.join();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->data["size"], 42);
  EXPECT_EQ(got->seq, 51u);
}

TEST_F(JournalTest, WaitForTimesOutAtTheDeadline) {
  journal.append(Source::dns, "dns.query", "other.test", "");
  const auto start = std::chrono::steady_clock::now();
  const auto got = journal.wait_for({.kind = "smtp.message"}, start + 50ms);
  EXPECT_FALSE(got.has_value());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
}

TEST_F(JournalTest, WaitForHonoursAfterSeq) {
  journal.append(Source::smtp, "smtp.message", "a.test", "");
  std::thread writer([&] { journal.append(Source::smtp, "smtp.message", "a.test", ""); });
  const auto got = journal.wait_for([](const Event& e) { return e.kind == "smtp.message"; },
                                    std::chrono::steady_clock::now() + 10s, 1);
  writer.join();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->seq, 2u);
}

TEST_F(JournalTest, ConcurrentAppendsKeepEveryEventOnce) {
  constexpr int kThreads = 8, kEach = 1000;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i)
        journal.append(Source::smtp, "smtp.command", "", "t" + std::to_string(t));
    });
  }
  for (auto& w : writers)
    w.join();
  const auto all = journal.all();
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kThreads * kEach));
  for (std::size_t i = 0; i < all.size(); ++i)
    EXPECT_EQ(all[i].seq, i + 1);
}

TEST_F(JournalTest, SubscribersSeeNewEventsUntilUnsubscribed) {
  std::vector<std::string> seen;
  const auto token = journal.subscribe([&](const Event& e) { seen.push_back(e.kind); });
  journal.append(Source::dns, "dns.query", "", "");
  journal.unsubscribe(token);
  journal.append(Source::dns, "dns.bad_query", "", "");
  EXPECT_EQ(seen, std::vector<std::string>{"dns.query"});
}

TEST_F(JournalTest, JsonLinesExportHasOneParsableObjectPerEvent) {
  journal.append(Source::dns, "dns.query", "a.test", "127.0.0.53", {{"qname", "a.test"}});
  journal.append(Source::mitm, "mitm.attack", "a.test", "mx1.a.test", {{"attack", "strip"}});
  std::ostringstream out;
  journal.write_jsonl(out);
  std::istringstream in(out.str());
  std::string line;
  std::vector<nlohmann::json> parsed;
  while (std::getline(in, line))
    parsed.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0]["source"], "dns");
  EXPECT_EQ(parsed[0]["data"]["qname"], "a.test");
  EXPECT_EQ(parsed[1]["kind"], "mitm.attack");
  EXPECT_EQ(parsed[1]["seq"], 2);
  EXPECT_TRUE(parsed[1]["lab_time"].get<std::string>().ends_with("Z"));
}

// A peer decides what reaches event data: a 1 MB line is cut, and past its byte budget the
// journal notes the overflow once and keeps nothing more (issue 10: the journal was 98% of
// the heap under the soak).
TEST(JournalLimitsTest, LongStringsAreCutAndTheJournalStopsAtItsBudget) {
  LabClock clock;
  Journal journal(clock, {.max_string = 100, .max_bytes = 20000});
  journal.append(
      Source::smtp, "smtp.command", "a.test", "mx1.a.test",
      {{"line", std::string(1'000'000, 'x')}, {"nested", {{"deep", std::string(500, 'y')}}}});
  auto first = journal.all().at(0);
  const auto line = first.data["line"].get<std::string>();
  EXPECT_EQ(line.substr(0, 100), std::string(100, 'x'));
  EXPECT_NE(line.find("999900 octets cut"), std::string::npos) << line.substr(100);
  EXPECT_LT(first.data["nested"]["deep"].get<std::string>().size(), 200u);
  std::uint64_t last = 0;
  for (int i = 0; i < 1000; ++i) {
    last =
        journal.append(Source::dns, "dns.query", "b.test", "", {{"qname", std::string(90, 'q')}});
  }
  const auto all = journal.all();
  ASSERT_LT(all.size(), 1000u);
  EXPECT_EQ(all.back().kind, "journal.overflow");
  EXPECT_EQ(all.back().data["first_dropped_kind"], "dns.query");
  EXPECT_EQ(last, all.back().seq);  // a dropped event's seq is the overflow's: nothing after it
  EXPECT_EQ(journal.dropped(), 1000u - (all.size() - 2));
  EXPECT_FALSE(journal.wait_for({.kind = "dns.query", .after_seq = last},
                                std::chrono::steady_clock::now() + 10ms));
}

}  // namespace
}  // namespace stslab::core
