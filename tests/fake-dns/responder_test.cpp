// Message-level behaviour without sockets: flags, question echo, EDNS, truncation, faults and
// the journal data of each exchange.
#include "stslab/dns/responder.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dns_test_support.hpp"

namespace {

using namespace dnstest;
using stslab::dns::Exchange;
using stslab::dns::Fault;
using stslab::dns::ResponderLimits;
using stslab::dns::Transport;
using stslab::dns::Zone;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class Responder : public ::testing::Test {
 protected:
  Exchange ask(const Bytes& query, Transport transport = Transport::udp) {
    return stslab::dns::respond(query, transport, zone_, limits_, "127.0.0.9:5555",
                                "127.0.53.1:53");
  }
  Exchange ask(const std::string& name, ldns_rr_type type, const QueryOptions& options = {},
               Transport transport = Transport::udp) {
    return ask(make_query(name, type, options), transport);
  }

  Zone zone_;
  ResponderLimits limits_;
};

TEST_F(Responder, AnswersWithFlagsIdAndEchoedQuestion) {
  zone_.add("_mta-sts.a.test. TXT \"v=STSv1; id=1\"");
  Exchange ex = ask("_MTA-STS.a.Test", LDNS_RR_TYPE_TXT, {.id = 777});
  ASSERT_TRUE(ex.reply);
  auto reply = parse(*ex.reply);
  ASSERT_TRUE(reply);
  EXPECT_EQ(ldns_pkt_id(reply.get()), 777);
  EXPECT_TRUE(ldns_pkt_qr(reply.get()));
  EXPECT_TRUE(ldns_pkt_aa(reply.get()));
  EXPECT_TRUE(ldns_pkt_ra(reply.get()));
  EXPECT_TRUE(ldns_pkt_rd(reply.get()));
  EXPECT_FALSE(ldns_pkt_tc(reply.get()));
  EXPECT_EQ(ldns_pkt_get_rcode(reply.get()), LDNS_RCODE_NOERROR);
  // 0x20: the question and the answer's owner keep the client's spelling.
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(reply.get()), 0);
  EXPECT_EQ(stslab::dns::to_string(ldns_rr_owner(question)), "_MTA-STS.a.Test.");
  EXPECT_THAT(answers(reply.get()), ElementsAre("_MTA-STS.a.Test.\t5\tIN\tTXT\t\"v=STSv1; id=1\""));
  EXPECT_FALSE(ldns_pkt_edns(reply.get()));
}

TEST_F(Responder, JournalDataDescribesTheExchange) {
  zone_.add("_mta-sts.a.test. TXT \"v=STSv1; id=1\"");
  Exchange ex = ask("_MTA-STS.a.Test", LDNS_RR_TYPE_TXT, {.id = 9, .edns_udp_size = 1400});
  EXPECT_EQ(ex.kind, "dns.query");
  EXPECT_EQ(ex.domain, "_mta-sts.a.test");
  EXPECT_EQ(ex.data["qname"], "_MTA-STS.a.Test");
  EXPECT_EQ(ex.data["qtype"], "TXT");
  EXPECT_EQ(ex.data["qclass"], "IN");
  EXPECT_EQ(ex.data["transport"], "udp");
  EXPECT_EQ(ex.data["rcode"], "NOERROR");
  EXPECT_EQ(ex.data["answer_count"], 1);
  EXPECT_EQ(ex.data["answers"].size(), 1u);
  EXPECT_EQ(ex.data["fault"], nullptr);
  EXPECT_EQ(ex.data["scripted"], true);
  EXPECT_EQ(ex.data["truncated"], false);
  EXPECT_EQ(ex.data["id"], 9);
  EXPECT_EQ(ex.data["client"], "127.0.0.9:5555");
  EXPECT_EQ(ex.data["server"], "127.0.53.1:53");
  EXPECT_EQ(ex.data["edns"]["udp_size"], 1400);
  EXPECT_EQ(ex.data["edns"]["version"], 0);
  // Real JSON booleans (ldns's C bool macros must not turn them into numbers).
  EXPECT_TRUE(ex.data["scripted"].is_boolean());
  EXPECT_TRUE(ex.data["truncated"].is_boolean());
  EXPECT_TRUE(ex.data["edns"]["do"].is_boolean());
}

TEST_F(Responder, UnscriptedQueryIsMarked) {
  zone_.add("a.test. A 127.0.0.1");
  Exchange ex = ask("nobody.example", LDNS_RR_TYPE_A);
  EXPECT_EQ(ex.data["scripted"], false);
  EXPECT_EQ(ex.data["rcode"], "NXDOMAIN");
  EXPECT_EQ(ex.data["edns"], nullptr);
}

TEST_F(Responder, NegativeAnswersCarryAnSoa) {
  zone_.add("a.test. MX 10 mx1.a.test.");
  auto nodata = parse(*ask("a.test", LDNS_RR_TYPE_TXT).reply);
  EXPECT_EQ(ldns_pkt_get_rcode(nodata.get()), LDNS_RCODE_NOERROR);
  EXPECT_THAT(answers(nodata.get()), IsEmpty());
  EXPECT_EQ(authority(nodata.get()).size(), 1u);
  auto nx = parse(*ask("missing.a.test", LDNS_RR_TYPE_TXT).reply);
  EXPECT_EQ(ldns_pkt_get_rcode(nx.get()), LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(authority(nx.get()).size(), 1u);
}

TEST_F(Responder, EdnsQueryGetsOptWithOurSize) {
  zone_.add("a.test. A 127.0.0.1");
  auto with = parse(*ask("a.test", LDNS_RR_TYPE_A, {.edns_udp_size = 4096}).reply);
  EXPECT_TRUE(ldns_pkt_edns(with.get()));
  EXPECT_EQ(ldns_pkt_edns_udp_size(with.get()), limits_.edns_udp_size);
  auto without = parse(*ask("a.test", LDNS_RR_TYPE_A).reply);
  EXPECT_FALSE(ldns_pkt_edns(without.get()));
}

TEST_F(Responder, UnknownEdnsVersionGetsBadvers) {
  zone_.add("a.test. A 127.0.0.1");
  Exchange ex = ask("a.test", LDNS_RR_TYPE_A, {.edns_udp_size = 1232, .edns_version = 1});
  auto reply = parse(*ex.reply);
  EXPECT_EQ(ldns_pkt_edns_extended_rcode(reply.get()), 1);
  EXPECT_EQ(ldns_pkt_get_rcode(reply.get()), 0);
  EXPECT_THAT(answers(reply.get()), IsEmpty());
  EXPECT_EQ(ex.data["rcode"], "BADVERS");
}

TEST_F(Responder, OtherClassesAreRefused) {
  zone_.add("a.test. A 127.0.0.1");
  auto pkt = make_query_pkt("a.test", LDNS_RR_TYPE_A);
  ldns_rr_set_class(ldns_rr_list_rr(ldns_pkt_question(pkt.get()), 0), LDNS_RR_CLASS_CH);
  Exchange ex = ask(wire(pkt.get()));
  EXPECT_EQ(ldns_pkt_get_rcode(parse(*ex.reply).get()), LDNS_RCODE_REFUSED);
  EXPECT_EQ(ex.data["qclass"], "CLASS3");
}

class ResponderBigAnswer : public Responder {
 protected:
  // An RRset of about 2.5 kB: more than 512 and than 1232 bytes.
  void SetUp() override {
    for (int i = 0; i < 10; ++i)
      zone_.add("big.a.test. TXT \"" + std::to_string(i) + std::string(240, 'x') + "\"");
  }
};

TEST_F(ResponderBigAnswer, TruncatedOverUdpWithoutEdns) {
  Exchange ex = ask("big.a.test", LDNS_RR_TYPE_TXT);
  ASSERT_TRUE(ex.reply);
  EXPECT_LE(ex.reply->size(), 512u);
  auto reply = parse(*ex.reply);
  EXPECT_TRUE(ldns_pkt_tc(reply.get()));
  EXPECT_THAT(answers(reply.get()), IsEmpty());
  EXPECT_EQ(ex.data["truncated"], true);
  EXPECT_EQ(ex.data["answer_count"], 0);
}

TEST_F(ResponderBigAnswer, EdnsSizeDecidesOverUdp) {
  auto small = parse(*ask("big.a.test", LDNS_RR_TYPE_TXT, {.edns_udp_size = 1232}).reply);
  EXPECT_TRUE(ldns_pkt_tc(small.get()));
  EXPECT_TRUE(ldns_pkt_edns(small.get()));
  auto large = parse(*ask("big.a.test", LDNS_RR_TYPE_TXT, {.edns_udp_size = 4096}).reply);
  EXPECT_FALSE(ldns_pkt_tc(large.get()));
  EXPECT_EQ(answers(large.get()).size(), 10u);
}

TEST_F(ResponderBigAnswer, WholeOverTcp) {
  Exchange ex = ask("big.a.test", LDNS_RR_TYPE_TXT, {}, Transport::tcp);
  auto reply = parse(*ex.reply);
  EXPECT_FALSE(ldns_pkt_tc(reply.get()));
  EXPECT_EQ(answers(reply.get()).size(), 10u);
  EXPECT_EQ(ex.data["transport"], "tcp");
}

TEST_F(Responder, TruncateFaultOnlyOverUdp) {
  zone_.add("_mta-sts.a.test. TXT \"v=STSv1; id=1\"");
  zone_.set_fault("_mta-sts.a.test", Fault::truncate);
  Exchange udp = ask("_mta-sts.a.test", LDNS_RR_TYPE_TXT);
  auto udp_reply = parse(*udp.reply);
  EXPECT_TRUE(ldns_pkt_tc(udp_reply.get()));
  EXPECT_THAT(answers(udp_reply.get()), IsEmpty());
  EXPECT_EQ(udp.data["fault"], "truncate");
  EXPECT_EQ(udp.data["truncated"], true);

  Exchange tcp = ask("_mta-sts.a.test", LDNS_RR_TYPE_TXT, {}, Transport::tcp);
  auto tcp_reply = parse(*tcp.reply);
  EXPECT_FALSE(ldns_pkt_tc(tcp_reply.get()));
  EXPECT_EQ(answers(tcp_reply.get()).size(), 1u);
  EXPECT_EQ(tcp.data["fault"], nullptr);
}

TEST_F(Responder, TimeoutFaultSendsNothing) {
  zone_.add("_mta-sts.a.test. TXT \"v=STSv1; id=1\"");
  zone_.set_fault("_mta-sts.a.test", Fault::timeout, "TXT");
  for (auto transport : {Transport::udp, Transport::tcp}) {
    Exchange ex = ask("_mta-sts.a.test", LDNS_RR_TYPE_TXT, {}, transport);
    EXPECT_FALSE(ex.reply);
    EXPECT_EQ(ex.kind, "dns.query");
    EXPECT_EQ(ex.data["fault"], "timeout");
    EXPECT_EQ(ex.data["rcode"], nullptr);
  }
  // Only TXT was scripted to time out.
  EXPECT_TRUE(ask("_mta-sts.a.test", LDNS_RR_TYPE_A).reply);
}

TEST_F(Responder, ServfailRefusedNxdomainFaults) {
  zone_.add("mx1.a.test. A 127.0.1.1");
  const std::pair<Fault, ldns_pkt_rcode> cases[] = {{Fault::servfail, LDNS_RCODE_SERVFAIL},
                                                    {Fault::refused, LDNS_RCODE_REFUSED},
                                                    {Fault::nxdomain, LDNS_RCODE_NXDOMAIN}};
  for (auto [fault, rcode] : cases) {
    zone_.set_fault("mx1.a.test", fault);
    Exchange ex = ask("mx1.a.test", LDNS_RR_TYPE_A);
    auto reply = parse(*ex.reply);
    EXPECT_EQ(ldns_pkt_get_rcode(reply.get()), rcode);
    EXPECT_THAT(answers(reply.get()), IsEmpty());
    EXPECT_EQ(ex.data["fault"], std::string(stslab::dns::to_string(fault)));
  }
}

}  // namespace
