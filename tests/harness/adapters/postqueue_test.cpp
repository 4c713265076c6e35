#include "stslab/harness/adapters/postqueue.hpp"

#include <gtest/gtest.h>

namespace stslab::harness::adapters {
namespace {

// The line the recipe recorded for a message held back by an enforce policy (§3.3).
constexpr const char* kDeferred =
    R"({"queue_name": "deferred", "queue_id": "82F77A74306", "arrival_time": 1795386181, )"
    R"("message_size": 269, "forced_expire": false, "sender": "s@sender.test", "recipients": )"
    R"([{"address": "u@b.test", "delay_reason": "TLS is required, but was not offered by host )"
    R"(mx.b.test[127.0.2.1]"}]})";

TEST(Postqueue, ADeferredMessageGivesItsRecipientWithPostfixsReason) {
  const auto entries = parse_postqueue_json(std::string(kDeferred) + "\n");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].recipient, "u@b.test");
  EXPECT_EQ(entries[0].state, "deferred");
  EXPECT_EQ(entries[0].queue_id, "82F77A74306");
  EXPECT_EQ(entries[0].reason, "TLS is required, but was not offered by host mx.b.test[127.0.2.1]");
}

TEST(Postqueue, OtherQueuesAreQueuedAndEveryRecipientIsARow) {
  const auto entries = parse_postqueue_json(
      R"({"queue_name": "active", "queue_id": "A1", "recipients": [{"address": "a@x.test"}, )"
      R"({"address": "b@x.test"}]})"
      "\n\n"
      R"({"queue_name": "incoming", "queue_id": "B2", "recipients": [{"address": "c@y.test"}]})");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].state, "queued");
  EXPECT_EQ(entries[1].recipient, "b@x.test");
  EXPECT_EQ(entries[2].queue_id, "B2");
  EXPECT_EQ(entries[2].reason, "");
}

TEST(Postqueue, AnEmptyQueueIsNoRows) {
  EXPECT_TRUE(parse_postqueue_json("").empty());
}

TEST(Postqueue, ALineThatIsNotAQueueObjectIsAnErrorQuotingIt) {
  try {
    parse_postqueue_json("postqueue: fatal: Queue report unavailable - mail system is down\n");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("mail system is down"), std::string::npos);
  }
  EXPECT_THROW(parse_postqueue_json(R"({"queue_name": "deferred"})"), std::runtime_error);
}

// Found by fuzz_mta_status: a member of the wrong type made nlohmann's value() throw its own
// type_error, which nothing caught (the adapter's poll loop only expects runtime_error).
TEST(Postqueue, AMemberOfTheWrongTypeIsAnErrorNamingIt) {
  for (
      const char* line :
      {R"({"queue_name": "deferred", "queue_id": 1700000000, "recipients": []})",
       R"({"queue_name": ["deferred"], "recipients": []})",
       R"({"queue_name": "deferred", "recipients": [{"address": 7}]})",
       R"({"queue_name": "deferred", "recipients": [{"address": "u@a.test", "delay_reason": {}}]})"}) {
    try {
      parse_postqueue_json(line);
      ADD_FAILURE() << "no error for " << line;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("that is not a string"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace stslab::harness::adapters
