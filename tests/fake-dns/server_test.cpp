// The server over real sockets with an in-process ldns client: UDP and TCP on one port,
// pipelining, many sessions, run-time changes, faults, stop, and what the journal records.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/address.hpp>
#include <thread>

#include "dns_test_support.hpp"

namespace {

using namespace dnstest;
using stslab::dns::Fault;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class Server : public ServerTest {
 protected:
  Server() : ServerTest("127.0.53.2") {}
  void SetUp() override {
    zone_.add({"_mta-sts.a.test. TXT \"v=STSv1; id=1\"", "a.test. MX 10 mx1.a.test.",
               "mx1.a.test. A 127.0.1.1"});
    ASSERT_NO_FATAL_FAILURE(start());
  }

  stslab::dns::PktPtr ask_udp(const std::string& name, ldns_rr_type type, std::uint16_t id = 1) {
    auto reply = udp_exchange(endpoint_, make_query(name, type, {.id = id}));
    EXPECT_TRUE(reply) << "no UDP reply for " << name;
    return reply ? parse(*reply) : nullptr;
  }
};

TEST_F(Server, AnswersOverUdp) {
  auto reply = ask_udp("_mta-sts.a.test", LDNS_RR_TYPE_TXT, 31);
  ASSERT_TRUE(reply);
  EXPECT_EQ(ldns_pkt_id(reply.get()), 31);
  EXPECT_THAT(answers(reply.get()), ElementsAre("_mta-sts.a.test.\t5\tIN\tTXT\t\"v=STSv1; id=1\""));
}

TEST_F(Server, AnswersOverTcpOnTheSamePort) {
  TcpClient client(endpoint_);
  client.send_frame(make_query("a.test", LDNS_RR_TYPE_MX, {.id = 32}));
  auto frame = client.read_frame();
  ASSERT_TRUE(frame);
  auto reply = parse(*frame);
  EXPECT_EQ(ldns_pkt_id(reply.get()), 32);
  EXPECT_THAT(answers(reply.get()), ElementsAre("a.test.\t5\tIN\tMX\t10 mx1.a.test."));
}

TEST_F(Server, JournalsEveryQuery) {
  ASSERT_TRUE(ask_udp("_MTA-STS.A.test", LDNS_RR_TYPE_TXT));
  ASSERT_TRUE(ask_udp("nobody.example", LDNS_RR_TYPE_A));
  auto events = journal_.query({.kind = "dns.query"});
  ASSERT_EQ(events.size(), 2u);
  const auto& scripted = events[0];
  EXPECT_EQ(scripted.source, stslab::core::Source::dns);
  EXPECT_EQ(scripted.domain, "_mta-sts.a.test");
  EXPECT_EQ(scripted.host, "127.0.53.2");
  EXPECT_EQ(scripted.data["qname"], "_MTA-STS.A.test");
  EXPECT_EQ(scripted.data["qtype"], "TXT");
  EXPECT_EQ(scripted.data["transport"], "udp");
  EXPECT_EQ(scripted.data["rcode"], "NOERROR");
  EXPECT_EQ(scripted.data["answer_count"], 1);
  EXPECT_EQ(scripted.data["scripted"], true);
  EXPECT_EQ(scripted.data["fault"], nullptr);
  EXPECT_EQ(scripted.data["server"], endpoint_.to_string());
  EXPECT_THAT(scripted.data["client"].get<std::string>(), ::testing::StartsWith("127.0.53.2:"));
  const auto& unscripted = events[1];
  EXPECT_EQ(unscripted.domain, "nobody.example");
  EXPECT_EQ(unscripted.data["scripted"], false);
  EXPECT_EQ(unscripted.data["rcode"], "NXDOMAIN");
}

TEST_F(Server, PipelinedQueriesOnOneConnectionAreAllAnswered) {
  TcpClient client(endpoint_);
  Bytes burst;
  for (std::uint16_t id = 1; id <= 5; ++id) {
    Bytes one = frame(make_query(id % 2 ? "_mta-sts.a.test" : "a.test",
                                 id % 2 ? LDNS_RR_TYPE_TXT : LDNS_RR_TYPE_MX, {.id = id}));
    burst.insert(burst.end(), one.begin(), one.end());
  }
  client.send_raw(burst);  // all five in one write
  for (std::uint16_t id = 1; id <= 5; ++id) {
    auto frame = client.read_frame();
    ASSERT_TRUE(frame) << "reply " << id;
    auto reply = parse(*frame);
    EXPECT_EQ(ldns_pkt_id(reply.get()), id);
    EXPECT_EQ(answers(reply.get()).size(), 1u);
  }
}

TEST_F(Server, ManyConcurrentTcpSessions) {
  constexpr int kSessions = 300;
  std::vector<std::unique_ptr<TcpClient>> clients;
  for (int i = 0; i < kSessions; ++i)
    clients.push_back(std::make_unique<TcpClient>(endpoint_));
  for (int i = 0; i < kSessions; ++i)
    clients[i]->send_frame(
        make_query("mx1.a.test", LDNS_RR_TYPE_A, {.id = static_cast<std::uint16_t>(i)}));
  // Read in reverse order: every session must have been served independently.
  for (int i = kSessions - 1; i >= 0; --i) {
    auto frame = clients[i]->read_frame();
    ASSERT_TRUE(frame) << "session " << i;
    EXPECT_EQ(ldns_pkt_id(parse(*frame).get()), i);
  }
  EXPECT_EQ(server_->open_tcp_sessions(), static_cast<std::size_t>(kSessions));
}

TEST_F(Server, ZoneChangesApplyWhileServing) {
  TcpClient client(endpoint_);
  client.send_frame(make_query("_mta-sts.a.test", LDNS_RR_TYPE_TXT));
  EXPECT_THAT(answers(parse(*client.read_frame()).get()),
              ElementsAre("_mta-sts.a.test.\t5\tIN\tTXT\t\"v=STSv1; id=1\""));
  zone_.replace("_mta-sts.a.test", "TXT", {"_mta-sts.a.test. TXT \"v=STSv1; id=2\""});
  client.send_frame(make_query("_mta-sts.a.test", LDNS_RR_TYPE_TXT));
  EXPECT_THAT(answers(parse(*client.read_frame()).get()),
              ElementsAre("_mta-sts.a.test.\t5\tIN\tTXT\t\"v=STSv1; id=2\""));
  zone_.clear_below("a.test");
  auto reply = ask_udp("_mta-sts.a.test", LDNS_RR_TYPE_TXT);
  EXPECT_EQ(ldns_pkt_get_rcode(reply.get()), LDNS_RCODE_NXDOMAIN);
}

TEST_F(Server, TimeoutFaultSendsNoReplyButIsJournaled) {
  zone_.set_fault("_mta-sts.a.test", Fault::timeout);
  UdpClient client(endpoint_);
  client.send(make_query("_mta-sts.a.test", LDNS_RR_TYPE_TXT, {.id = 1}));
  auto event = wait_event("dns.query");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->data["fault"], "timeout");
  // The next query from the same socket gets the first reply: nothing was sent for the first.
  client.send(make_query("a.test", LDNS_RR_TYPE_MX, {.id = 2}));
  auto reply = client.receive();
  ASSERT_TRUE(reply);
  EXPECT_EQ(ldns_pkt_id(parse(*reply).get()), 2);
}

TEST_F(Server, TruncateFaultSendsTcOverUdpAndTheAnswerOverTcp) {
  zone_.set_fault("_mta-sts.a.test", Fault::truncate);
  auto udp = ask_udp("_mta-sts.a.test", LDNS_RR_TYPE_TXT);
  EXPECT_TRUE(ldns_pkt_tc(udp.get()));
  EXPECT_THAT(answers(udp.get()), IsEmpty());
  TcpClient client(endpoint_);
  client.send_frame(make_query("_mta-sts.a.test", LDNS_RR_TYPE_TXT));
  auto tcp = parse(*client.read_frame());
  EXPECT_FALSE(ldns_pkt_tc(tcp.get()));
  EXPECT_EQ(answers(tcp.get()).size(), 1u);
  auto events = journal_.query({.kind = "dns.query"});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].data["fault"], "truncate");
  EXPECT_EQ(events[1].data["fault"], nullptr);
}

TEST_F(Server, StopEndsIdleTcpSessions) {
  TcpClient client(endpoint_);
  client.send_frame(make_query("a.test", LDNS_RR_TYPE_MX));
  ASSERT_TRUE(client.read_frame());
  server_->stop();
  EXPECT_TRUE(client.closed_by_peer());
  server_->stop();  // idempotent
}

TEST(ServerSetup, RefusesNonLoopbackAddresses) {
  stslab::core::LabClock clock;
  stslab::core::Journal journal(clock);
  stslab::dns::Zone zone;
  boost::asio::io_context io;
  for (const char* address : {"0.0.0.0", "10.1.2.3"}) {
    stslab::dns::DnsServer server(io, journal, zone,
                                  {.endpoints = {{boost::asio::ip::make_address(address), 0}}});
    EXPECT_THROW(server.start(), std::invalid_argument) << address;
  }
}

TEST(ServerSetup, BusyPortThrowsAndStartAfterStopIsRefused) {
  stslab::core::LabClock clock;
  stslab::core::Journal journal(clock);
  stslab::dns::Zone zone;
  boost::asio::io_context io;
  const auto address = boost::asio::ip::make_address("127.0.53.9");
  stslab::dns::DnsServer first(io, journal, zone, {.endpoints = {{address, 0}}});
  const auto port = first.start().at(0).port;
  stslab::dns::DnsServer second(io, journal, zone, {.endpoints = {{address, port}}});
  EXPECT_THROW(second.start(), boost::system::system_error);
  EXPECT_TRUE(second.endpoints().empty());
  first.stop();
  EXPECT_THROW(first.start(), std::invalid_argument);
}

TEST(ServerSetup, SeveralEndpointsEachWithUdpAndTcp) {
  stslab::core::LabClock clock;
  stslab::core::Journal journal(clock);
  stslab::dns::Zone zone;
  zone.add("a.test. A 127.0.0.1");
  stslab::testing::IoThread io;
  stslab::dns::DnsServer server(io.io(), journal, zone,
                                {.endpoints = {{boost::asio::ip::make_address("127.0.53.5"), 0},
                                               {boost::asio::ip::make_address("127.0.53.6"), 0}}});
  auto bound = server.start();
  ASSERT_EQ(bound.size(), 2u);
  EXPECT_THROW(server.start(), std::invalid_argument);
  for (const auto& ep : bound) {
    EXPECT_TRUE(udp_exchange(ep, make_query("a.test", LDNS_RR_TYPE_A))) << ep.to_string();
    TcpClient client(ep);
    client.send_frame(make_query("a.test", LDNS_RR_TYPE_A));
    EXPECT_TRUE(client.read_frame()) << ep.to_string();
  }
  auto events = journal.query({.kind = "dns.query"});
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].host, "127.0.53.5");
  EXPECT_EQ(events[3].host, "127.0.53.6");
  server.stop();
}

TEST(ServerSetup, ServesFromAnIoContextOnSeveralThreads) {
  stslab::core::LabClock clock;
  stslab::core::Journal journal(clock);
  stslab::dns::Zone zone;
  zone.add("mx1.a.test. A 127.0.1.1");
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  stslab::dns::DnsServer server(io, journal, zone,
                                {.endpoints = {{boost::asio::ip::make_address("127.0.53.8"), 0}}});
  const auto endpoint = server.start().at(0);
  std::vector<std::thread> runners;
  for (int i = 0; i < 4; ++i)
    runners.emplace_back([&] { io.run(); });

  constexpr int kClients = 4, kRounds = 25;
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < kClients; ++t)
    clients.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        const auto id = static_cast<std::uint16_t>(t * 1000 + i);
        const Bytes query = make_query("mx1.a.test", LDNS_RR_TYPE_A, {.id = id});
        TcpClient tcp(endpoint);
        tcp.send_frame(query);
        if (auto reply = tcp.read_frame(); reply && ldns_read_uint16(reply->data()) == id)
          ++answered;
        if (auto reply = udp_exchange(endpoint, query);
            reply && ldns_read_uint16(reply->data()) == id)
          ++answered;
      }
    });
  // The harness changes the zone while queries are answered.
  for (int i = 0; i < 200; ++i) {
    zone.add("x.m.test. TXT \"" + std::to_string(i) + "\"");
    zone.clear_below("m.test");
  }
  for (auto& c : clients)
    c.join();
  EXPECT_EQ(answered, 2 * kClients * kRounds);
  EXPECT_EQ(journal.query({.kind = "dns.query"}).size(),
            static_cast<std::size_t>(2 * kClients * kRounds));
  server.stop();
  work.reset();
  io.stop();
  for (auto& r : runners)
    r.join();
}

}  // namespace
