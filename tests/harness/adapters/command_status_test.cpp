// What a command sender's exit status and JSON lines mean, and the mta.delivery data they
// become; shell quoting of the values put into command lines.
#include "stslab/harness/adapters/command_status.hpp"

#include <gtest/gtest.h>

#include "stslab/harness/adapters/shell_quote.hpp"

namespace stslab::harness::adapters {
namespace {

core::ProcessResult exited(int code, std::string out = "", std::string err = "") {
  core::ProcessResult r;
  r.exit_code = code;
  r.out = std::move(out);
  r.err = std::move(err);
  return r;
}

TEST(OneShotResult, TheExitStatusDecidesWithoutJson) {
  EXPECT_EQ(parse_oneshot_result(exited(0)).state, "delivered");
  EXPECT_EQ(parse_oneshot_result(exited(75)).state, "deferred");
  EXPECT_EQ(parse_oneshot_result(exited(69)).state, "bounced");
  EXPECT_EQ(parse_oneshot_result(exited(1)).state, "bounced");
  core::ProcessResult slow;
  slow.timed_out = true;
  const auto r = parse_oneshot_result(slow);
  EXPECT_EQ(r.state, "no-answer");
  EXPECT_EQ(r.reason, "the submit command gave no answer: killed at its timeout");
  // Killed at the timeout is no answer even after a line that said "deferred".
  slow.out = "{\"state\":\"deferred\",\"reason\":\"trying\"}\n";
  EXPECT_EQ(parse_oneshot_result(slow).state, "no-answer");
  EXPECT_EQ(delivery_status("no-answer"), "no-answer");
  // The reason falls back to stderr's last line, then the exit status.
  EXPECT_EQ(parse_oneshot_result(exited(75, "", "dig: timeout\nno MX answered\n")).reason,
            "no MX answered");
  EXPECT_EQ(parse_oneshot_result(exited(3)).reason, "exit 3");
}

TEST(OneShotResult, TheLastJsonLineDecidesAndKeepsItsDetails) {
  const auto r = parse_oneshot_result(exited(
      0,
      "connecting...\n{\"id\":\"1@x\",\"recipient\":\"m1@a.test\",\"state\":\"deferred\","
      "\"reason\":\"policy says TLS\",\"mx\":\"mx1.a.test\",\"tls\":false,\"attempts\":2}\n"));
  EXPECT_EQ(r.state, "deferred");  // the JSON overrides exit 0
  EXPECT_EQ(r.reason, "policy says TLS");
  EXPECT_EQ(r.id, "1@x");
  EXPECT_EQ(r.recipient, "m1@a.test");
  EXPECT_EQ(r.details.value("mx", ""), "mx1.a.test");
  EXPECT_EQ(r.details.value("attempts", 0), 2);
  EXPECT_EQ(r.details.value("exit", -1), 0);
  EXPECT_FALSE(r.details.contains("state"));
  EXPECT_EQ(r.line.front(), '{');
}

TEST(OneShotResult, AJsonLineWithoutAKnownStateLeavesItToTheExitStatus) {
  const auto r = parse_oneshot_result(exited(75, "{\"state\":\"weird\",\"reason\":\"r\"}\n"));
  EXPECT_EQ(r.state, "deferred");
  EXPECT_EQ(r.reason, "r");
  EXPECT_EQ(parse_oneshot_result(exited(0, "{\"state\":\"queued\"}\n")).state, "delivered");
}

TEST(StatusLines, ParsesEachLineAndRejectsGarbageNamingTheLine) {
  const auto reports = parse_status_lines(
      "{\"id\":\"1@x\",\"state\":\"queued\"}\n\n"
      "{\"recipient\":\"m2@a.test\",\"state\":\"bounced\",\"reason\":\"5.7.1\"}\n");
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].id, "1@x");
  EXPECT_EQ(reports[0].state, "queued");
  EXPECT_EQ(reports[1].recipient, "m2@a.test");
  EXPECT_EQ(reports[1].reason, "5.7.1");
  EXPECT_THROW(parse_status_lines("oops\n"), std::runtime_error);
  EXPECT_THROW(parse_status_lines("{\"state\":\"queued\"}\n"), std::runtime_error);
  try {
    parse_status_lines("{\"id\":\"1\",\"state\":\"lost\"}\n");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("\"lost\""), std::string::npos) << e.what();
  }
}

TEST(DeliveryEvent, HasThePostfixFieldsTheEngineReads) {
  DeliveryReport r;
  r.state = "delivered";
  r.reason = "250 ok";
  r.details = {{"mx", "mx1.a.test"}, {"tls", {{"version", "TLSv1.3"}}}};
  auto d = delivery_event_data(r, "m1@a.test", "1@x");
  EXPECT_EQ(d.value("recipient", ""), "m1@a.test");
  EXPECT_EQ(d.value("status", ""), "sent");
  EXPECT_EQ(d.value("reason", ""), "250 ok");
  EXPECT_EQ(d.value("relay", ""), "mx1.a.test");
  EXPECT_EQ(d.value("queue_id", ""), "1@x");
  EXPECT_EQ(d["tls"].value("version", ""), "TLSv1.3");
  EXPECT_EQ(relay_host(d), "mx1.a.test");

  r.state = "deferred";
  r.details = nlohmann::json::object();
  d = delivery_event_data(r, "m1@a.test", "1@x");
  EXPECT_EQ(d.value("status", ""), "deferred");
  EXPECT_EQ(d.value("relay", ""), "none");
  EXPECT_EQ(relay_host(d), "");
  EXPECT_EQ(relay_host({{"relay", "MX1.a.test[127.0.1.1]:25"}}), "mx1.a.test");
  EXPECT_FALSE(delivery_status("queued").has_value());
}

TEST(ShellQuote, KeepsEveryByteAsOneWord) {
  EXPECT_EQ(shell_quote("m1@a.test"), "'m1@a.test'");
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote("$(rm -rf /)"), "'$(rm -rf /)'");
}

}  // namespace
}  // namespace stslab::harness::adapters
