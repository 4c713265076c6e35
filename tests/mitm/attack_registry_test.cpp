#include "stslab/mitm/attack_registry.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "stslab/core/clock.hpp"
#include "stslab/mitm/loopback.hpp"

namespace stslab::mitm {
namespace {

using ::testing::HasSubstr;

class AttackRegistryTest : public ::testing::Test {
 protected:
  std::shared_ptr<const Attack> make(const std::string& text) {
    return AttackRegistry::instance().create(AttackSpec::parse(text), {pki, "mx1.a.test"});
  }
  static Command cmd(const std::string& line, Phase phase = Phase::plaintext) {
    return parse_command(line, phase);
  }
  static Reply ehlo_reply() {
    return Reply{{"250-mx1.a.test", "250-PIPELINING", "250-STARTTLS", "250 8BITMIME"}};
  }

  core::LabClock clock;
  core::LabPki pki{clock};
};

TEST_F(AttackRegistryTest, KnowsTheBuiltInAttacks) {
  EXPECT_EQ(AttackRegistry::instance().names(),
            (std::vector<std::string>{"drop-after-ehlo", "inject-after-starttls", "intercept-tls",
                                      "pass", "starttls-454", "strip-starttls"}));
  EXPECT_FALSE(AttackRegistry::instance().summary("strip-starttls").empty());
}

TEST_F(AttackRegistryTest, UnknownNameListsTheKnownOnes) {
  try {
    make("strip-everything");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("unknown attack 'strip-everything'"));
    EXPECT_THAT(e.what(), HasSubstr("strip-starttls"));
    EXPECT_THAT(e.what(), HasSubstr("intercept-tls"));
  }
}

TEST_F(AttackRegistryTest, UnknownParameterIsRejected) {
  EXPECT_THROW(make("strip-starttls level=11"), std::invalid_argument);
  try {
    make("intercept-tls colour=red");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("no parameter 'colour'"));
    EXPECT_THAT(e.what(), HasSubstr("profile"));
  }
  EXPECT_THROW(make("intercept-tls profile=purple"), std::invalid_argument);
  EXPECT_THROW(make("inject-after-starttls lines=\"a\rb\""), std::invalid_argument);
}

TEST_F(AttackRegistryTest, SpecTextRoundTrips) {
  auto spec = AttackSpec::parse("  inject-after-starttls   lines=\"250 ok|250 two\" ");
  EXPECT_EQ(spec.name, "inject-after-starttls");
  EXPECT_EQ(spec.params.at("lines"), "250 ok|250 two");
  EXPECT_EQ(AttackSpec::parse(spec.to_string()), spec);
  EXPECT_EQ(spec.to_json()["params"]["lines"], "250 ok|250 two");
  EXPECT_THROW(AttackSpec::parse(""), std::invalid_argument);
  EXPECT_THROW(AttackSpec::parse("pass novalue"), std::invalid_argument);
  EXPECT_THROW(AttackSpec::parse("pass =x"), std::invalid_argument);
  EXPECT_THROW(AttackSpec::parse("pass a=\"open"), std::invalid_argument);
}

TEST_F(AttackRegistryTest, PassChangesNothing) {
  auto a = make("pass");
  EXPECT_EQ(a->on_command(cmd("STARTTLS")).kind, CommandDecision::Kind::relay);
  auto r = ehlo_reply();
  auto d = a->on_reply(cmd("EHLO x"), r);
  EXPECT_EQ(r.lines, ehlo_reply().lines);
  EXPECT_TRUE(d.action.empty());
  EXPECT_FALSE(d.close_after);
}

TEST_F(AttackRegistryTest, StripStarttlsRewritesEhloAndRefusesTheCommand) {
  auto a = make("strip-starttls");
  auto r = ehlo_reply();
  auto d = a->on_reply(cmd("EHLO client.test"), r);
  EXPECT_FALSE(ehlo_offers(r, "STARTTLS"));
  EXPECT_EQ(d.action, "removed STARTTLS from EHLO reply");
  auto c = a->on_command(cmd("STARTTLS"));
  EXPECT_EQ(c.kind, CommandDecision::Kind::answer);
  ASSERT_EQ(c.reply.size(), 1u);
  EXPECT_EQ(c.reply[0].substr(0, 9), "502 5.5.1");
  EXPECT_EQ(a->on_command(cmd("MAIL FROM:<a@b>")).kind, CommandDecision::Kind::relay);
  // A reply without STARTTLS yields no action to journal.
  Reply plain{{"250-mx", "250 SIZE"}};
  EXPECT_TRUE(a->on_reply(cmd("EHLO x"), plain).action.empty());
}

TEST_F(AttackRegistryTest, Starttls454AnswersTheCommandButKeepsTheOffer) {
  auto a = make("starttls-454");
  auto r = ehlo_reply();
  a->on_reply(cmd("EHLO x"), r);
  EXPECT_TRUE(ehlo_offers(r, "STARTTLS"));
  auto c = a->on_command(cmd("starttls"));
  EXPECT_EQ(c.kind, CommandDecision::Kind::answer);
  EXPECT_EQ(c.reply, (std::vector<std::string>{"454 4.7.0 TLS not available"}));
  EXPECT_EQ(c.action, "answered STARTTLS with 454");
}

TEST_F(AttackRegistryTest, InjectAddsLinesOnlyBehindA220ToStarttls) {
  auto a = make("inject-after-starttls lines=\"250 fake|250 more\"");
  Reply ready{{"220 2.0.0 Ready to start TLS"}};
  auto d = a->on_reply(cmd("STARTTLS"), ready);
  EXPECT_EQ(d.inject, (std::vector<std::string>{"250 fake", "250 more"}));
  EXPECT_EQ(d.action, "injected 2 lines after 220");
  Reply refused{{"454 4.7.0 no"}};
  EXPECT_TRUE(a->on_reply(cmd("STARTTLS"), refused).inject.empty());
  Reply ok{{"250 ok"}};
  EXPECT_TRUE(a->on_reply(cmd("NOOP"), ok).inject.empty());
  EXPECT_EQ(make("inject-after-starttls")->on_reply(cmd("STARTTLS"), ready).inject.size(), 1u);
}

TEST_F(AttackRegistryTest, InterceptTlsTerminatesStarttlsWithTheChosenCertificate) {
  auto a = make("intercept-tls profile=untrusted_ca host=evil.test key=ecdsa-p256");
  auto c = a->on_command(cmd("STARTTLS"));
  EXPECT_EQ(c.kind, CommandDecision::Kind::intercept_tls);
  ASSERT_TRUE(c.server_tls);
  EXPECT_EQ(c.details["profile"], "untrusted-ca");
  EXPECT_EQ(c.details["host"], "evil.test");
  EXPECT_THAT(c.action, HasSubstr("untrusted-ca"));
  // Inside the intercepted TLS: no second STARTTLS, and it is not offered again.
  EXPECT_EQ(a->on_command(cmd("STARTTLS", Phase::intercepted_tls)).kind,
            CommandDecision::Kind::answer);
  auto r = ehlo_reply();
  a->on_reply(cmd("EHLO x", Phase::intercepted_tls), r);
  EXPECT_FALSE(ehlo_offers(r, "STARTTLS"));
  // The default certificate names the proxied MX.
  EXPECT_EQ(make("intercept-tls")->on_command(cmd("STARTTLS")).details["host"], "mx1.a.test");
}

TEST_F(AttackRegistryTest, DropAfterEhloClosesAfterTheHelloReply) {
  auto a = make("drop-after-ehlo");
  auto r = ehlo_reply();
  EXPECT_TRUE(a->on_reply(cmd("EHLO x"), r).close_after);
  EXPECT_TRUE(a->on_reply(cmd("HELO x"), r).close_after);
  Reply ok{{"250 ok"}};
  EXPECT_FALSE(a->on_reply(cmd("NOOP"), ok).close_after);
}

TEST(Loopback, AcceptsOnlyLoopbackAddresses) {
  using boost::asio::ip::make_address;
  EXPECT_TRUE(is_loopback(make_address("127.0.0.1")));
  EXPECT_TRUE(is_loopback(make_address("127.255.1.2")));
  EXPECT_TRUE(is_loopback(make_address("::1")));
  EXPECT_TRUE(is_loopback(make_address("::ffff:127.0.0.9")));
  EXPECT_FALSE(is_loopback(make_address("10.0.0.1")));
  EXPECT_FALSE(is_loopback(make_address("8.8.8.8")));
  EXPECT_FALSE(is_loopback(make_address("0.0.0.0")));
  EXPECT_FALSE(is_loopback(make_address("128.0.0.1")));
  EXPECT_FALSE(is_loopback(make_address("::ffff:10.0.0.1")));
  EXPECT_FALSE(is_loopback(make_address("::")));
  try {
    require_loopback({make_address("8.8.8.8"), 25}, "to relay to upstream");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("8.8.8.8:25"));
    EXPECT_THAT(e.what(), HasSubstr("loopback"));
  }
}

}  // namespace
}  // namespace stslab::mitm
