// The zone model on its own: parsing, NODATA vs NXDOMAIN, CNAME chains, TXT strings, faults,
// cleanup, and the scripted flag.
#include "stslab/dns/zone.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "stslab/dns/name.hpp"
#include "stslab/dns/record.hpp"

namespace {

using stslab::dns::Fault;
using stslab::dns::Lookup;
using stslab::dns::RecordError;
using stslab::dns::Zone;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Lookup ask(const Zone& zone, const std::string& name, ldns_rr_type type) {
  auto qname = stslab::dns::parse_name(name);
  return zone.lookup(qname.get(), type);
}

std::vector<std::string> texts(const std::vector<stslab::dns::RrPtr>& rrs) {
  std::vector<std::string> out;
  for (const auto& rr : rrs)
    out.push_back(stslab::dns::to_string(rr.get()));
  return out;
}

TEST(Zone, ParseErrorNamesTheRecordAndLdnsReason) {
  Zone zone;
  try {
    zone.add("bad.a.test. A 999.1.1.1");
    FAIL() << "no exception";
  } catch (const RecordError& e) {
    EXPECT_EQ(e.text(), "bad.a.test. A 999.1.1.1");
    EXPECT_THAT(e.what(), HasSubstr("bad.a.test. A 999.1.1.1"));
    EXPECT_THAT(e.reason(), HasSubstr("rdata"));
  }
  EXPECT_THROW(zone.add("x.test. MX"), RecordError);
  EXPECT_THROW(zone.add("x.test. A 1.2.3.4 trailing"), RecordError);
  EXPECT_THROW(zone.remove("x.test", "NOSUCHTYPE"), RecordError);
  EXPECT_THAT(zone.list(), IsEmpty());
}

TEST(Zone, AddIsAllOrNothing) {
  Zone zone;
  EXPECT_THROW(zone.add({"ok.a.test. A 127.0.0.1", "broken.a.test. A nope"}), RecordError);
  EXPECT_THAT(zone.list(), IsEmpty());
}

TEST(Zone, DefaultTtlWhenTheTextHasNone) {
  Zone zone;
  zone.add({"a.test. MX 10 mx1.a.test.", "mx1.a.test. 300 IN A 127.0.1.1"});
  EXPECT_THAT(zone.list(), ElementsAre("a.test.\t5\tIN\tMX\t10 mx1.a.test.",
                                       "mx1.a.test.\t300\tIN\tA\t127.0.1.1"));
  Zone slow({.default_ttl = 60});
  slow.add("a.test. A 127.0.0.1");
  EXPECT_THAT(slow.list(), ElementsAre("a.test.\t60\tIN\tA\t127.0.0.1"));
}

TEST(Zone, DuplicateRecordsMergeIntoOneRrset) {
  Zone zone;
  zone.add({"a.test. A 127.0.0.1", "A.TEST. 30 A 127.0.0.1", "a.test. A 127.0.0.2"});
  EXPECT_THAT(zone.list(),
              ElementsAre("A.TEST.\t30\tIN\tA\t127.0.0.1", "a.test.\t5\tIN\tA\t127.0.0.2"));
}

TEST(Zone, AnswersTheRrset) {
  Zone zone;
  zone.add({"a.test. MX 10 mx1.a.test.", "a.test. MX 20 mx2.a.test.", "a.test. A 127.0.0.9"});
  Lookup l = ask(zone, "a.test", LDNS_RR_TYPE_MX);
  EXPECT_EQ(l.rcode, LDNS_RCODE_NOERROR);
  EXPECT_THAT(texts(l.answer), ElementsAre("a.test.\t5\tIN\tMX\t10 mx1.a.test.",
                                           "a.test.\t5\tIN\tMX\t20 mx2.a.test."));
  EXPECT_THAT(l.authority, IsEmpty());
  EXPECT_TRUE(l.scripted);
  EXPECT_FALSE(l.fault);
}

TEST(Zone, NodataForOtherTypesAndEmptyNonTerminals) {
  Zone zone;
  zone.add({"a.test. MX 10 mx1.a.test.", "_smtp._tls.a.test. TXT \"v=TLSRPTv1; rua=x\""});
  for (auto [name, type] :
       {std::pair{"a.test", LDNS_RR_TYPE_TXT}, std::pair{"_tls.a.test", LDNS_RR_TYPE_TXT}}) {
    Lookup l = ask(zone, name, type);
    EXPECT_EQ(l.rcode, LDNS_RCODE_NOERROR) << name;
    EXPECT_THAT(l.answer, IsEmpty()) << name;
    ASSERT_EQ(l.authority.size(), 1u) << name;
    EXPECT_EQ(ldns_rr_get_type(l.authority[0].get()), LDNS_RR_TYPE_SOA);
  }
}

TEST(Zone, NxdomainForMissingNamesWithSynthesizedSoa) {
  Zone zone({.negative_ttl = 2});
  zone.add({"a.test. MX 10 mx1.a.test.", "mx1.a.test. A 127.0.1.1"});
  Lookup l = ask(zone, "_mta-sts.a.test", LDNS_RR_TYPE_TXT);
  EXPECT_EQ(l.rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_THAT(l.answer, IsEmpty());
  // The SOA sits at the outermost scripted domain, with the small negative TTL as minimum.
  EXPECT_THAT(texts(l.authority),
              ElementsAre("a.test.\t2\tIN\tSOA\tns.stslab.invalid. hostmaster.stslab.invalid. 1 "
                          "3600 600 86400 2"));
  EXPECT_TRUE(l.scripted);
}

TEST(Zone, ScriptedSoaWinsOverSynthesizedOne) {
  Zone zone;
  zone.add({"a.test. 60 SOA ns.a.test. admin.a.test. 7 1 1 1 3", "a.test. A 127.0.0.1"});
  Lookup l = ask(zone, "nope.a.test", LDNS_RR_TYPE_A);
  EXPECT_EQ(l.rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_THAT(texts(l.authority),
              ElementsAre("a.test.\t60\tIN\tSOA\tns.a.test. admin.a.test. 7 1 1 1 3"));
}

TEST(Zone, UnscriptedNameIsNxdomainAndNotScripted) {
  Zone zone;
  zone.add("a.test. A 127.0.0.1");
  Lookup l = ask(zone, "b.test", LDNS_RR_TYPE_A);
  EXPECT_EQ(l.rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_FALSE(l.scripted);
  ASSERT_EQ(l.authority.size(), 1u);
  EXPECT_THAT(stslab::dns::to_string(l.authority[0].get()), ::testing::StartsWith(".\t"));
  // "ab.test" shares a string prefix with "a.test" but is not below it.
  EXPECT_FALSE(ask(zone, "ab.test", LDNS_RR_TYPE_A).scripted);
  EXPECT_TRUE(ask(zone, "x.a.test", LDNS_RR_TYPE_A).scripted);
  // An ancestor of scripted data exists (NODATA) but nobody scripted it.
  Lookup parent = ask(zone, "test", LDNS_RR_TYPE_A);
  EXPECT_EQ(parent.rcode, LDNS_RCODE_NOERROR);
  EXPECT_FALSE(parent.scripted);
}

TEST(Zone, DeclaredDomainIsScriptedWithoutRecords) {
  Zone zone;
  zone.add_domain("s1.run.test");
  Lookup l = ask(zone, "_mta-sts.s1.run.test", LDNS_RR_TYPE_TXT);
  EXPECT_TRUE(l.scripted);
  EXPECT_EQ(l.rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_THAT(stslab::dns::to_string(l.authority.at(0).get()),
              ::testing::StartsWith("s1.run.test.\t"));
}

TEST(Zone, QueryCaseIsPreservedInAnswerOwners) {
  Zone zone;
  zone.add("_mta-sts.a.test. TXT \"v=STSv1; id=1\"");
  Lookup l = ask(zone, "_MtA-sTs.A.tEsT", LDNS_RR_TYPE_TXT);
  EXPECT_THAT(texts(l.answer), ElementsAre("_MtA-sTs.A.tEsT.\t5\tIN\tTXT\t\"v=STSv1; id=1\""));
}

TEST(Zone, MultiStringTxtIsPreserved) {
  Zone zone;
  zone.add("t.a.test. TXT \"v=STSv1; \" \"id=2\" plain");
  Lookup l = ask(zone, "t.a.test", LDNS_RR_TYPE_TXT);
  ASSERT_EQ(l.answer.size(), 1u);
  const ldns_rr* rr = l.answer[0].get();
  ASSERT_EQ(ldns_rr_rd_count(rr), 3u);
  EXPECT_EQ(stslab::dns::to_string(ldns_rr_rdf(rr, 0)), "\"v=STSv1; \"");
  EXPECT_EQ(stslab::dns::to_string(ldns_rr_rdf(rr, 1)), "\"id=2\"");
  EXPECT_EQ(stslab::dns::to_string(ldns_rr_rdf(rr, 2)), "\"plain\"");
}

// Found by fuzz_dns_record: a TXT text with a NUL (a scenario's sts_record can hold one) made a
// record ldns could not parse, since it reads the text as a C string.
TEST(Zone, TxtRdataCarriesEveryOctet) {
  std::string text;
  for (int c = 0; c < 256; ++c)
    text += static_cast<char>(c);
  text += "\\\"tail";
  auto rr = stslab::dns::parse_record("x.test. TXT " + stslab::dns::txt_rdata(text), 5);
  EXPECT_EQ(ldns_rr_rd_count(rr.get()), 2u);  // split at 255 octets
  EXPECT_EQ(stslab::dns::txt_joined(rr.get()), text);
}

TEST(Zone, CnameChainIsFollowedToTheLocalTarget) {
  Zone zone;
  zone.add({"_mta-sts.user.test. CNAME _mta-sts.hop.test.",
            "_mta-sts.hop.test. CNAME _mta-sts.provider.test.",
            "_mta-sts.provider.test. TXT \"v=STSv1; id=p\""});
  Lookup l = ask(zone, "_mta-sts.user.test", LDNS_RR_TYPE_TXT);
  EXPECT_EQ(l.rcode, LDNS_RCODE_NOERROR);
  EXPECT_THAT(texts(l.answer),
              ElementsAre("_mta-sts.user.test.\t5\tIN\tCNAME\t_mta-sts.hop.test.",
                          "_mta-sts.hop.test.\t5\tIN\tCNAME\t_mta-sts.provider.test.",
                          "_mta-sts.provider.test.\t5\tIN\tTXT\t\"v=STSv1; id=p\""));
  // Asking for the CNAME itself does not follow it.
  EXPECT_EQ(ask(zone, "_mta-sts.user.test", LDNS_RR_TYPE_CNAME).answer.size(), 1u);
}

TEST(Zone, CnameLoopEndsWithEachLinkOnce) {
  Zone zone;
  zone.add({"a.loop.test. CNAME b.loop.test.", "b.loop.test. CNAME a.loop.test."});
  Lookup l = ask(zone, "a.loop.test", LDNS_RR_TYPE_A);
  EXPECT_EQ(l.rcode, LDNS_RCODE_NOERROR);
  EXPECT_THAT(texts(l.answer), ElementsAre("a.loop.test.\t5\tIN\tCNAME\tb.loop.test.",
                                           "b.loop.test.\t5\tIN\tCNAME\ta.loop.test."));
}

TEST(Zone, CnameChainLengthIsBounded) {
  Zone zone({.max_cname_chain = 4});
  for (int i = 0; i < 10; ++i)
    zone.add("c" + std::to_string(i) + ".chain.test. CNAME c" + std::to_string(i + 1) +
             ".chain.test.");
  EXPECT_EQ(ask(zone, "c0.chain.test", LDNS_RR_TYPE_A).answer.size(), 4u);
}

TEST(Zone, CnameToMissingTargets) {
  Zone zone;
  zone.add({"out.a.test. CNAME elsewhere.example.", "in.a.test. CNAME gone.a.test."});
  zone.add_domain("a.test");
  // A target outside the lab's data: the chain ends, the client asks for it separately.
  Lookup out = ask(zone, "out.a.test", LDNS_RR_TYPE_TXT);
  EXPECT_EQ(out.rcode, LDNS_RCODE_NOERROR);
  EXPECT_EQ(out.answer.size(), 1u);
  // A missing target inside a scripted domain (a.test, declared): NXDOMAIN, with the CNAME
  // (RFC 6604).
  Lookup in = ask(zone, "in.a.test", LDNS_RR_TYPE_TXT);
  EXPECT_EQ(in.rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(in.answer.size(), 1u);
  EXPECT_EQ(in.authority.size(), 1u);
}

TEST(Zone, FaultsReplaceTheAnswer) {
  Zone zone;
  zone.add({"_mta-sts.a.test. TXT \"v=STSv1; id=1\"", "a.test. MX 10 mx.a.test."});
  zone.set_fault("_mta-sts.a.test", Fault::servfail);
  Lookup l = ask(zone, "_mta-sts.a.test", LDNS_RR_TYPE_TXT);
  EXPECT_EQ(l.rcode, LDNS_RCODE_SERVFAIL);
  EXPECT_THAT(l.answer, IsEmpty());
  EXPECT_EQ(l.fault, Fault::servfail);

  zone.set_fault("_mta-sts.a.test", Fault::refused);
  EXPECT_EQ(ask(zone, "_mta-sts.a.test", LDNS_RR_TYPE_TXT).rcode, LDNS_RCODE_REFUSED);

  zone.set_fault("_mta-sts.a.test", Fault::nxdomain);
  l = ask(zone, "_mta-sts.a.test", LDNS_RR_TYPE_TXT);
  EXPECT_EQ(l.rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(l.authority.size(), 1u);

  zone.set_fault("_mta-sts.a.test", Fault::timeout);
  EXPECT_EQ(ask(zone, "_mta-sts.a.test", LDNS_RR_TYPE_TXT).fault, Fault::timeout);

  // truncate keeps the real answer: over TCP the client gets it.
  zone.set_fault("_mta-sts.a.test", Fault::truncate);
  l = ask(zone, "_mta-sts.a.test", LDNS_RR_TYPE_TXT);
  EXPECT_EQ(l.fault, Fault::truncate);
  EXPECT_EQ(l.answer.size(), 1u);

  // Faults are per exact name: the parent is unaffected.
  EXPECT_FALSE(ask(zone, "a.test", LDNS_RR_TYPE_MX).fault);

  zone.clear_fault("_mta-sts.a.test");
  l = ask(zone, "_mta-sts.a.test", LDNS_RR_TYPE_TXT);
  EXPECT_FALSE(l.fault);
  EXPECT_EQ(l.answer.size(), 1u);
}

TEST(Zone, FaultForOneTypeWinsOverAnyType) {
  Zone zone;
  zone.add({"mx.a.test. A 127.0.1.1", "mx.a.test. AAAA ::1"});
  zone.set_fault("mx.a.test", Fault::servfail);
  zone.set_fault("mx.a.test", Fault::nxdomain, "AAAA");
  EXPECT_EQ(ask(zone, "mx.a.test", LDNS_RR_TYPE_AAAA).fault, Fault::nxdomain);
  EXPECT_EQ(ask(zone, "mx.a.test", LDNS_RR_TYPE_A).fault, Fault::servfail);
  zone.clear_fault("mx.a.test");
  EXPECT_FALSE(ask(zone, "mx.a.test", LDNS_RR_TYPE_A).fault);
  EXPECT_EQ(ask(zone, "mx.a.test", LDNS_RR_TYPE_AAAA).fault, Fault::nxdomain);
}

TEST(Zone, RemoveAllOrOneType) {
  Zone zone;
  zone.add({"a.test. A 127.0.0.1", "a.test. TXT \"x\"", "a.test. TXT \"y\""});
  EXPECT_EQ(zone.remove("A.test.", "txt"), 2u);
  EXPECT_THAT(zone.list(), ElementsAre("a.test.\t5\tIN\tA\t127.0.0.1"));
  EXPECT_EQ(zone.remove("a.test"), 1u);
  EXPECT_THAT(zone.list(), IsEmpty());
  EXPECT_EQ(zone.remove("a.test"), 0u);
}

TEST(Zone, ReplaceSwapsOneRrset) {
  Zone zone;
  zone.add({"_mta-sts.a.test. TXT \"v=STSv1; id=1\"", "_mta-sts.a.test. A 127.0.0.1"});
  zone.replace("_mta-sts.a.test", "TXT", {"_mta-sts.a.test. TXT \"v=STSv1; id=2\""});
  EXPECT_THAT(zone.list(), ElementsAre("_mta-sts.a.test.\t5\tIN\tA\t127.0.0.1",
                                       "_mta-sts.a.test.\t5\tIN\tTXT\t\"v=STSv1; id=2\""));
  // A record of another owner or type is refused and nothing changes.
  EXPECT_THROW(zone.replace("_mta-sts.a.test", "TXT", {"other.a.test. TXT \"v=STSv1; id=3\""}),
               RecordError);
  EXPECT_THROW(zone.replace("_mta-sts.a.test", "TXT", {"_mta-sts.a.test. A 127.0.0.2"}),
               RecordError);
  EXPECT_EQ(zone.list().size(), 2u);
  zone.replace("_mta-sts.a.test", "TXT", {});
  EXPECT_THAT(zone.list(), ElementsAre("_mta-sts.a.test.\t5\tIN\tA\t127.0.0.1"));
}

TEST(Zone, ClearBelowRemovesOnlyThatSubtree) {
  Zone zone;
  zone.add({"a.test. MX 10 mx1.a.test.", "mx1.a.test. A 127.0.1.1",
            "_mta-sts.a.test. TXT \"v=STSv1; id=1\"", "ab.test. A 127.0.2.1",
            "b.test. A 127.0.3.1"});
  zone.add_domain("a.test");
  zone.add_domain("deep.a.test");
  zone.set_fault("mx1.a.test", Fault::servfail);
  zone.set_fault("b.test", Fault::refused);

  EXPECT_EQ(zone.clear_below("A.TEST"), 3u);
  EXPECT_THAT(zone.list(),
              ElementsAre("ab.test.\t5\tIN\tA\t127.0.2.1", "b.test.\t5\tIN\tA\t127.0.3.1"));
  EXPECT_FALSE(ask(zone, "mx1.a.test", LDNS_RR_TYPE_A).fault);
  EXPECT_FALSE(ask(zone, "deep.a.test", LDNS_RR_TYPE_A).scripted);
  EXPECT_EQ(ask(zone, "b.test", LDNS_RR_TYPE_A).fault, Fault::refused);
  EXPECT_THAT(zone.list("b.test"), ElementsAre("b.test.\t5\tIN\tA\t127.0.3.1"));

  zone.clear();
  EXPECT_THAT(zone.list(), IsEmpty());
  EXPECT_FALSE(ask(zone, "b.test", LDNS_RR_TYPE_A).fault);
}

TEST(Zone, ChangesWhileOtherThreadsLookUp) {
  Zone zone;
  zone.add("stable.test. A 127.0.0.1");
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t)
    readers.emplace_back([&] {
      while (!done) {
        if (ask(zone, "stable.test", LDNS_RR_TYPE_A).answer.size() != 1) ++bad;
        ask(zone, "x.s.test", LDNS_RR_TYPE_TXT);
      }
    });
  for (int i = 0; i < 300; ++i) {
    zone.add({"x.s.test. TXT \"" + std::to_string(i) + "\"", "s.test. MX 10 mx.s.test."});
    zone.set_fault("x.s.test", Fault::servfail, "A");
    zone.clear_below("s.test");
  }
  done = true;
  for (auto& r : readers)
    r.join();
  EXPECT_EQ(bad, 0);
  EXPECT_THAT(zone.list(), ElementsAre("stable.test.\t5\tIN\tA\t127.0.0.1"));
}

// A change of world (issue 10): the world applier used to clear a domain and add its records
// back one call at a time, so a query landing in between saw NXDOMAIN and a sender could take
// the policy for gone. replace_below switches in one step: readers hammering the zone through
// hundreds of switches between two worlds see the old answer or the new one, nothing else.
TEST(Zone, AWorldChangeIsAtomicForReaders) {
  const std::vector<std::string> one = {"_mta-sts.a.test. TXT \"v=STSv1; id=1\"",
                                        "a.test. MX 10 mx1.a.test.", "mx1.a.test. A 127.0.0.1"};
  const std::vector<std::string> two = {"_mta-sts.a.test. TXT \"v=STSv1; id=2\"",
                                        "a.test. MX 10 mx2.a.test.", "mx2.a.test. A 127.0.0.2"};
  Zone zone;
  zone.replace_below("a.test", one);
  std::atomic<bool> done{false};
  std::atomic<long> lookups{0};
  std::mutex mutex;
  std::set<std::string> seen;  // what the readers were answered, as rcode + records
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t)
    readers.emplace_back([&] {
      std::set<std::string> mine;
      while (!done) {
        for (const ldns_rr_type type : {LDNS_RR_TYPE_TXT, LDNS_RR_TYPE_MX}) {
          const Lookup l = ask(zone, type == LDNS_RR_TYPE_TXT ? "_mta-sts.a.test" : "a.test", type);
          std::string answer = std::to_string(l.rcode);
          for (const auto& text : texts(l.answer))
            answer += " " + text;
          mine.insert(answer);
          ++lookups;
        }
      }
      std::lock_guard lock(mutex);
      seen.insert(mine.begin(), mine.end());
    });
  for (int i = 0; i < 500; ++i)
    zone.replace_below("a.test", i % 2 ? one : two);
  // Readers may start late on a loaded machine: switch on until they have looked a while.
  for (int i = 0; lookups < 2000; ++i)
    zone.replace_below("a.test", i % 2 ? one : two);
  done = true;
  for (auto& r : readers)
    r.join();
  const std::string ok = std::to_string(LDNS_RCODE_NOERROR);
  EXPECT_THAT(seen, ::testing::IsSubsetOf(std::set<std::string>{
                        ok + " _mta-sts.a.test.\t5\tIN\tTXT\t\"v=STSv1; id=1\"",
                        ok + " _mta-sts.a.test.\t5\tIN\tTXT\t\"v=STSv1; id=2\"",
                        ok + " a.test.\t5\tIN\tMX\t10 mx1.a.test.",
                        ok + " a.test.\t5\tIN\tMX\t10 mx2.a.test."}));
  EXPECT_GE(seen.size(), 2u);

  // All or nothing: a record that does not parse leaves the world as it was.
  zone.replace_below("a.test", one);
  EXPECT_THROW(zone.replace_below("a.test", {"a.test. MX 10 mx3.a.test.", "a.test. A 999.1.1.1"}),
               RecordError);
  EXPECT_THAT(zone.list("a.test"), ::testing::SizeIs(3));
  EXPECT_TRUE(ask(zone, "nothing.a.test", LDNS_RR_TYPE_A).scripted);
}

TEST(Zone, AWorldChangeScriptsItsFaultsInTheSameStep) {
  Zone zone;
  zone.replace_below("a.test", {"_mta-sts.a.test. TXT \"v=STSv1; id=1\""},
                     {{.name = "_mta-sts.a.test", .fault = Fault::servfail, .type = "TXT"},
                      {.name = "mta-sts.a.test", .fault = Fault::timeout}});
  EXPECT_EQ(ask(zone, "_mta-sts.a.test", LDNS_RR_TYPE_TXT).fault, Fault::servfail);
  EXPECT_FALSE(ask(zone, "_mta-sts.a.test", LDNS_RR_TYPE_A).fault);
  EXPECT_EQ(ask(zone, "mta-sts.a.test", LDNS_RR_TYPE_A).fault, Fault::timeout);
  // The next world without them: gone with the old records.
  zone.replace_below("a.test", {"_mta-sts.a.test. TXT \"v=STSv1; id=2\""});
  EXPECT_FALSE(ask(zone, "_mta-sts.a.test", LDNS_RR_TYPE_TXT).fault);
  EXPECT_FALSE(ask(zone, "mta-sts.a.test", LDNS_RR_TYPE_A).fault);
  // All or nothing: a bad type in a fault changes nothing.
  EXPECT_ANY_THROW(zone.replace_below(
      "a.test", {}, {{.name = "_mta-sts.a.test", .fault = Fault::refused, .type = "NOPE"}}));
  EXPECT_EQ(texts(ask(zone, "_mta-sts.a.test", LDNS_RR_TYPE_TXT).answer).size(), 1u);
}

}  // namespace
