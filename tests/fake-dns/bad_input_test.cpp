// Hostile and broken input over UDP and TCP: each bad message is answered FORMERR/NOTIMP (when
// its header can be read) or dropped, journaled as dns.bad_query, and the good query sent right
// after it is still answered.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dns_test_support.hpp"

namespace {

using namespace dnstest;
using stslab::dns::Transport;

constexpr std::uint16_t kBadId = 0x0707;  // the ID of every bad message with a readable header
constexpr std::uint16_t kGoodId = 99;

struct BadCase {
  std::string name;
  Bytes message;
  std::string reason;                   // dns.bad_query data.reason
  std::optional<ldns_pkt_rcode> rcode;  // the reply's rcode; nullopt: dropped
  bool udp_only = false;
};

std::ostream& operator<<(std::ostream& out, const BadCase& c) {
  return out << c.name;
}

Bytes query_with(void (*tweak)(ldns_pkt*)) {
  auto pkt = make_query_pkt("_mta-sts.a.test", LDNS_RR_TYPE_TXT, {.id = kBadId});
  tweak(pkt.get());
  return wire(pkt.get());
}

std::vector<BadCase> bad_cases() {
  std::vector<BadCase> cases;
  // Junk whose header happens to read as a QUERY (ID 0x0707) with absurd section counts.
  cases.push_back({"garbage", Bytes(40, 0x07), "malformed", LDNS_RCODE_FORMERR});
  cases.push_back({"short_header", Bytes{0x12, 0x34, 0x01, 0x00, 0x00}, "short_header", {}});
  cases.push_back({"empty", Bytes{}, "short_header", {}});
  cases.push_back({"claims_more_records",
                   query_with([](ldns_pkt* p) { ldns_pkt_set_ancount(p, 3); }), "malformed",
                   LDNS_RCODE_FORMERR});
  Bytes cut = query_with([](ldns_pkt*) {});
  cut.resize(cut.size() - 3);
  cases.push_back({"cut_short", cut, "malformed", LDNS_RCODE_FORMERR});
  cases.push_back(
      {"response", query_with([](ldns_pkt* p) { ldns_pkt_set_qr(p, true); }), "response", {}});
  cases.push_back({"opcode_notify",
                   query_with([](ldns_pkt* p) { ldns_pkt_set_opcode(p, LDNS_PACKET_NOTIFY); }),
                   "opcode", LDNS_RCODE_NOTIMPL});
  cases.push_back({"two_questions", query_with([](ldns_pkt* p) {
                     ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION,
                                      ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_question(p), 0)));
                   }),
                   "question_count", LDNS_RCODE_FORMERR});
  cases.push_back({"no_question", query_with([](ldns_pkt* p) {
                     ldns_rr_list_deep_free(ldns_pkt_question(p));
                     ldns_pkt_set_question(p, ldns_rr_list_new());
                     ldns_pkt_set_qdcount(p, 0);
                   }),
                   "question_count", LDNS_RCODE_FORMERR});
  cases.push_back({"oversized_udp", query_with([](ldns_pkt* p) {
                     // 20 x 255-byte TXT records in the additional section: > 4096 bytes.
                     for (int i = 0; i < 20; ++i) {
                       ldns_rr* rr = nullptr;
                       std::string text = "pad.test. TXT \"" + std::string(250, 'p') + "\"";
                       ldns_rr_new_frm_str(&rr, text.c_str(), 5, nullptr, nullptr);
                       ldns_pkt_push_rr(p, LDNS_SECTION_ADDITIONAL, rr);
                     }
                   }),
                   "oversized", LDNS_RCODE_FORMERR, true});
  return cases;
}

class BadInput : public ServerTest, public ::testing::WithParamInterface<BadCase> {
 protected:
  BadInput() : ServerTest("127.0.53.3") {}
  void SetUp() override {
    zone_.add("_mta-sts.a.test. TXT \"v=STSv1; id=1\"");
    ASSERT_NO_FATAL_FAILURE(start());
  }

  Bytes good() const { return make_query("_mta-sts.a.test", LDNS_RR_TYPE_TXT, {.id = kGoodId}); }

  // The bad message's reply (if any) comes first, then the good query's answer.
  void expect_replies(std::function<std::optional<Bytes>()> next, Transport transport) {
    const BadCase& c = GetParam();
    if (c.rcode) {
      auto error = next();
      ASSERT_TRUE(error) << "no error reply";
      auto reply = parse(*error);
      ASSERT_TRUE(reply);
      EXPECT_EQ(ldns_pkt_get_rcode(reply.get()), *c.rcode);
      EXPECT_EQ(ldns_pkt_id(reply.get()), kBadId);
      EXPECT_TRUE(ldns_pkt_qr(reply.get()));
    }
    auto answer = next();
    ASSERT_TRUE(answer) << "the good query after the bad one was not answered";
    auto reply = parse(*answer);
    ASSERT_TRUE(reply);
    EXPECT_EQ(ldns_pkt_id(reply.get()), kGoodId);
    EXPECT_EQ(answers(reply.get()).size(), 1u);

    auto event = wait_event("dns.bad_query");
    ASSERT_TRUE(event);
    EXPECT_EQ(event->data["reason"], c.reason) << event->data.dump();
    EXPECT_EQ(event->data["transport"], std::string(stslab::dns::to_string(transport)));
    EXPECT_EQ(event->host, "127.0.53.3");
    if (c.rcode)
      EXPECT_EQ(event->data["rcode"], stslab::dns::rcode_mnemonic(*c.rcode));
    else
      EXPECT_EQ(event->data["rcode"], nullptr);
    // Exactly one good query was journaled, after the bad one.
    auto good_event = wait_event("dns.query", event->seq);
    ASSERT_TRUE(good_event);
    EXPECT_EQ(good_event->data["id"], kGoodId);
  }
};

class BadUdp : public BadInput {};
class BadTcpFrame : public BadInput {};

TEST_P(BadUdp, ThenAGoodQueryIsAnswered) {
  UdpClient client(endpoint_);
  client.send(GetParam().message);
  client.send(good());
  expect_replies([&] { return client.receive(); }, Transport::udp);
}

TEST_P(BadTcpFrame, ThenAGoodQueryOnTheSameConnectionIsAnswered) {
  TcpClient client(endpoint_);
  client.send_frame(GetParam().message);
  client.send_frame(good());
  expect_replies([&] { return client.read_frame(); }, Transport::tcp);
}

std::vector<BadCase> tcp_bad_cases() {
  auto cases = bad_cases();
  std::erase_if(cases, [](const BadCase& c) { return c.udp_only; });
  return cases;
}

std::string case_name(const ::testing::TestParamInfo<BadCase>& test) {
  return test.param.name;
}

INSTANTIATE_TEST_SUITE_P(Cases, BadUdp, ::testing::ValuesIn(bad_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(Cases, BadTcpFrame, ::testing::ValuesIn(tcp_bad_cases()), case_name);

class BadTcp : public ServerTest {
 protected:
  BadTcp() : ServerTest("127.0.53.4") {}
  void SetUp() override { zone_.add("_mta-sts.a.test. TXT \"v=STSv1; id=1\""); }

  void expect_still_serving() {
    TcpClient client(endpoint_);
    client.send_frame(make_query("_mta-sts.a.test", LDNS_RR_TYPE_TXT, {.id = kGoodId}));
    auto answer = client.read_frame();
    ASSERT_TRUE(answer);
    EXPECT_EQ(ldns_pkt_id(parse(*answer).get()), kGoodId);
  }
};

TEST_F(BadTcp, LengthPrefixClaimsMoreThanTheClientSends) {
  ASSERT_NO_FATAL_FAILURE(start());
  TcpClient client(endpoint_);
  Bytes lie{0x00, 100};  // claims 100 bytes ...
  Bytes query = make_query("_mta-sts.a.test", LDNS_RR_TYPE_TXT);
  lie.insert(lie.end(), query.begin(), query.end());  // ... sends fewer, then ends the stream
  client.send_raw(lie);
  client.shutdown_send();
  auto event = wait_event("dns.bad_query");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->data["reason"], "truncated_frame");
  EXPECT_TRUE(client.closed_by_peer());
  expect_still_serving();
}

TEST_F(BadTcp, LengthPrefixClaimsLessThanTheMessage) {
  ASSERT_NO_FATAL_FAILURE(start({.tcp_idle_timeout = std::chrono::milliseconds(300)}));
  TcpClient client(endpoint_);
  Bytes query = make_query("_mta-sts.a.test", LDNS_RR_TYPE_TXT, {.id = kBadId});
  Bytes lie{0x00, 14};  // a header and 2 bytes of the question
  lie.insert(lie.end(), query.begin(), query.end());
  client.send_raw(lie);
  auto error = client.read_frame();
  ASSERT_TRUE(error);
  EXPECT_EQ(ldns_pkt_get_rcode(parse(*error).get()), LDNS_RCODE_FORMERR);
  auto event = wait_event("dns.bad_query");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->data["reason"], "malformed");
  // The rest of the bytes read as a frame that never completes: the idle timeout ends it.
  EXPECT_TRUE(client.closed_by_peer());
  expect_still_serving();
}

TEST_F(BadTcp, HalfAFrameThenStallHitsTheIdleTimeout) {
  ASSERT_NO_FATAL_FAILURE(start({.tcp_idle_timeout = std::chrono::milliseconds(200)}));
  TcpClient client(endpoint_);
  Bytes query = frame(make_query("_mta-sts.a.test", LDNS_RR_TYPE_TXT));
  query.resize(query.size() / 2);
  client.send_raw(query);
  auto event = wait_event("dns.bad_query");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->data["reason"], "stalled_frame");
  EXPECT_EQ(event->data["size"], query.size());
  EXPECT_TRUE(client.closed_by_peer());
  expect_still_serving();
}

TEST_F(BadTcp, HalfALengthPrefixThenStall) {
  ASSERT_NO_FATAL_FAILURE(start({.tcp_idle_timeout = std::chrono::milliseconds(200)}));
  TcpClient client(endpoint_);
  client.send_raw(Bytes{0x00});
  auto event = wait_event("dns.bad_query");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->data["reason"], "stalled_frame");
  EXPECT_TRUE(client.closed_by_peer());
  expect_still_serving();
}

TEST_F(BadTcp, OversizedFrameEndsTheSession) {
  stslab::dns::ServerOptions options;
  options.limits.max_tcp_query = 512;
  ASSERT_NO_FATAL_FAILURE(start(options));
  TcpClient client(endpoint_);
  client.send_raw(Bytes{0x02, 0x58});  // 600 bytes announced
  auto event = wait_event("dns.bad_query");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->data["reason"], "oversized");
  EXPECT_TRUE(client.closed_by_peer());
  expect_still_serving();
}

TEST_F(BadTcp, IdleConnectionBetweenFramesIsClosedQuietly) {
  ASSERT_NO_FATAL_FAILURE(start({.tcp_idle_timeout = std::chrono::milliseconds(200)}));
  TcpClient client(endpoint_);
  client.send_frame(make_query("_mta-sts.a.test", LDNS_RR_TYPE_TXT));
  ASSERT_TRUE(client.read_frame());
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_TRUE(journal_.query({.kind = "dns.bad_query"}).empty());
  EXPECT_EQ(journal_.query({.kind = "dns.query"}).size(), 1u);
}

}  // namespace
