// White-box: the safety rule is checked again when a session connects, not only by the Proxy's
// constructor and setters. A session is built directly with a non-loopback upstream (which the
// public API never lets through) and must refuse it without connecting.
#include <gmock/gmock.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "line_client.hpp"
#include "proxy_shared.hpp"  // mitm/src: private on purpose
#include "session.hpp"
#include "stslab/mitm/attack_registry.hpp"
#include "stslab/testing/io_thread.hpp"

namespace stslab::mitm::testing {
namespace {

using boost::asio::ip::make_address;
using boost::asio::ip::tcp;
using ::testing::StartsWith;

TEST(SessionSafety, ReChecksTheUpstreamAtConnectTime) {
  core::LabClock clock;
  core::Journal journal(clock);
  core::LabPki pki(clock);
  stslab::testing::IoThread io;

  Options options;
  options.name = "mx1.a.test";
  auto shared = std::make_shared<Proxy::Shared>(io.io(), journal, pki, options);
  auto attack = AttackRegistry::instance().create(AttackSpec{}, {pki, options.name});

  tcp::acceptor acceptor(io.io(), {make_address("127.0.0.64"), 0});
  LineClient client(acceptor.local_endpoint());  // completes from the backlog
  tcp::socket accepted = acceptor.accept(io.io());
  auto session = std::make_shared<detail::Session>(shared, 1, std::move(accepted), attack,
                                                   tcp::endpoint{make_address("8.8.8.8"), 25});
  boost::asio::co_spawn(session->executor(), session->run(), boost::asio::detached);

  EXPECT_THAT(client.read_reply(), StartsWith("421 4.4.1"));
  EXPECT_TRUE(client.wait_for_close());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  auto error = journal.wait_for(
      [](const core::Event& e) { return e.kind == "mitm.upstream_error"; }, deadline);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->data["refused_by_safety_rule"], true);
  EXPECT_THAT(error->data["error"].get<std::string>(), ::testing::HasSubstr("loopback"));
  auto close = journal.wait_for([](const core::Event& e) { return e.kind == "mitm.session.close"; },
                                deadline);
  ASSERT_TRUE(close);
  EXPECT_EQ(close->data["how"], "upstream-not-loopback");
  EXPECT_EQ(close->data["bytes"]["from_upstream"], 0);
  io.stop();
}

}  // namespace
}  // namespace stslab::mitm::testing
