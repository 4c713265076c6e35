// CommandAdapter against fake senders made of shell: quoting, the environment every command
// gets, one-shot outcomes journaled before submit() returns, deferred bookkeeping and flush,
// side-by-side submits, a daemon sender read through its status command, a supervised start
// command, libfaketime. No lab needed: commands run as plain children here.
#include "stslab/harness/adapters/command_adapter.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "stslab/dns/record.hpp"
#include "stslab/harness/adapters/adapter_file.hpp"
#include "stslab/harness/adapters/registry.hpp"
#include "stslab/harness/adapters/waits.hpp"
#include "stslab/testing/scratch_dir.hpp"

namespace stslab::harness::adapters {
namespace {

using testing::ScratchDir;
using Clock = std::chrono::steady_clock;

// A one-shot fake: defers a recipient's first attempt, delivers the second; a recipient
// starting with "bounce" is bounced. Every attempt is counted in the state directory.
constexpr const char* kFlakySender = R"(
to="$1"
n=$(cat "$STSLAB_STATE_DIR/count.$to" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" > "$STSLAB_STATE_DIR/count.$to"
case "$to" in
  bounce*) echo '{"state":"bounced","reason":"550 no such user"}'; exit 69;;
esac
if [ "$n" -eq 1 ]; then
  echo "{\"recipient\":\"$to\",\"state\":\"deferred\",\"reason\":\"MX offers no STARTTLS\",\"mx\":\"mx1.a.test\",\"tls\":false}"
  exit 75
fi
echo "{\"recipient\":\"$to\",\"state\":\"delivered\",\"reason\":\"250 ok\",\"mx\":\"mx1.a.test\",\"attempts\":$n}"
)";

class CommandAdapterTest : public ::testing::Test {
 protected:
  CommandAdapterTest() : journal_(clock_) {}

  // An adapter for target "t" of a manifest whose commands section is `commands`.
  std::unique_ptr<CommandAdapter> adapter(
      const std::string& commands, const std::string& extra = "",
      const std::string& capabilities = "{time_control: none, tls_rpt: no, mta_sts: yes}") {
    const auto path = dir_.write(
        "adapter/manifest.yaml",
        "schema: stslab.command-adapter/1\ncapabilities: " + capabilities + "\ncommands:\n" +
            commands + extra + "\ntargets:\n  t: {variables: {flags: \"--x {{state_dir}}\"}}\n");
    return std::make_unique<CommandAdapter>(load_command_manifest(path), "t");
  }

  LabContext lab(const std::string& faketime_file = "") {
    return {.workdir = dir_.path() + "/mta",
            .ca_bundle = dir_.write("ca.pem", "not a real bundle\n"),
            .dns_address = "127.0.0.53",
            .mta_address = "127.0.0.1",
            .sender_domain = "sender.test",
            .faketime_file = faketime_file,
            .journal = &journal_,
            .clock = &clock_};
  }

  OutgoingMessage message(const std::string& to) {
    return {.from = "s@sender.test",
            .to = to,
            .path = dir_.write("msg/" + to + ".eml", "Subject: x\n\nhi\n"),
            .message_id = to + ".id@stslab.test"};
  }

  std::vector<core::Event> deliveries(const std::string& recipient) {
    auto events = journal_.query({.kind = "mta.delivery"});
    events.erase(std::remove_if(events.begin(), events.end(),
                                [&](const core::Event& e) {
                                  return e.data.value("recipient", "") != recipient;
                                }),
                 events.end());
    return events;
  }

  core::LabClock clock_;
  core::Journal journal_;
  ScratchDir dir_;
};

TEST_F(CommandAdapterTest, PlaceholdersAreQuotedSoARecipientCannotRunCommands) {
  const auto pwned = dir_.path() + "/pwned";
  dir_.script("adapter/args.sh",
              "for a; do printf '%s\\n' \"$a\"; done > \"$STSLAB_STATE_DIR/args\"\n");
  auto mta = adapter(
      "  submit: \"{{data_dir}}/args.sh {{from}} {{to}} {{message}} {{message_id}} "
      "{{flags}}\"\n");
  mta->start(lab());
  const std::string evil =
      "o'brien$(touch " + pwned + ")`touch " + pwned + "`;touch " + pwned + "@a.test";
  auto m = message("plain@a.test");
  m.to = evil;
  m.message_id = "id with \"quotes\" and $HOME";
  mta->submit(m);
  EXPECT_FALSE(dir_.exists("pwned")) << "the recipient ran a command";
  // Each value arrived as one argument, byte for byte; the target's variable was split as
  // shell text, with the lab's value inside it quoted.
  EXPECT_EQ(dir_.read("mta/scenario-state/a.test/args"),
            "s@sender.test\n" + evil + "\n" + m.path + "\n" + m.message_id + "\n--x\n" +
                dir_.path() + "/mta/scenario-state/a.test\n");
  mta->stop();
}

TEST_F(CommandAdapterTest, EveryCommandGetsTheLabEnvironment) {
  setenv("SSL_CERT_DIR", "/etc/ssl/certs", 1);
  setenv("https_proxy", "http://proxy.example:3128", 1);
  auto mta = adapter("  submit: \"env > \\\"$STSLAB_STATE_DIR/env\\\"\"\n",
                     "\nenvironment: {MY_HOME: \"{{workdir}}/home\", LANG: null}");
  mta->start(lab());
  mta->submit(message("m1@a.test"));
  unsetenv("SSL_CERT_DIR");
  unsetenv("https_proxy");
  const auto env = dir_.read("mta/scenario-state/a.test/env");
  const auto has = [&](const std::string& line) {
    return env.find("\n" + line + "\n") != std::string::npos || env.rfind(line + "\n", 0) == 0;
  };
  EXPECT_TRUE(has("STSLAB_WORKDIR=" + dir_.path() + "/mta")) << env;
  EXPECT_TRUE(has("STSLAB_STATE_DIR=" + dir_.path() + "/mta/scenario-state/a.test")) << env;
  EXPECT_TRUE(has("STSLAB_LAB_STATE_DIR=" + dir_.path() + "/mta/state")) << env;
  EXPECT_TRUE(has("STSLAB_CA_BUNDLE=" + dir_.path() + "/ca.pem")) << env;
  EXPECT_TRUE(has("STSLAB_DNS=127.0.0.53")) << env;
  EXPECT_TRUE(has("SSL_CERT_FILE=" + dir_.path() + "/ca.pem")) << env;
  EXPECT_TRUE(has("MY_HOME=" + dir_.path() + "/mta/home")) << env;
  EXPECT_EQ(env.find("SSL_CERT_DIR="), std::string::npos) << env;
  EXPECT_EQ(env.find("https_proxy="), std::string::npos) << env;
  EXPECT_EQ(env.find("\nLANG="), std::string::npos) << env;
  EXPECT_EQ(env.find("LD_PRELOAD="), std::string::npos) << env;  // no faketime asked for
  mta->stop();
}

TEST_F(CommandAdapterTest, OneShotOutcomesAreJournaledBeforeSubmitReturns) {
  dir_.script("adapter/flaky.sh", kFlakySender);
  auto mta = adapter("  submit: \"{{data_dir}}/flaky.sh {{to}}\"\n");
  mta->start(lab());
  mta->submit(message("m1@a.test"));
  auto events = deliveries("m1@a.test");
  ASSERT_EQ(events.size(), 1u);
  const auto& e = events[0];
  EXPECT_EQ(e.source, core::Source::mta);
  EXPECT_EQ(e.domain, "a.test");  // the engine looks events up by the scenario's domain
  EXPECT_EQ(e.host, "mx1.a.test");
  EXPECT_EQ(e.data.value("status", ""), "deferred");
  EXPECT_EQ(e.data.value("reason", ""), "MX offers no STARTTLS");
  EXPECT_EQ(e.data.value("relay", ""), "mx1.a.test");
  EXPECT_EQ(e.data.value("queue_id", ""), "m1@a.test.id@stslab.test");
  EXPECT_EQ(e.data.value("tls", true), false);
  EXPECT_EQ(e.data.value("exit", 0), 75);

  mta->submit(message("bounce@a.test"));
  events = deliveries("bounce@a.test");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data.value("status", ""), "bounced");
  EXPECT_EQ(events[0].data.value("reason", ""), "550 no such user");
  mta->stop();
}

// status.logs beside a one-shot submit: the sender's own log lines reach the journal as
// typed MTA events (evidence), from the lines written after start only, until stop.
TEST_F(CommandAdapterTest, ALogRuleTurnsTheSendersOwnLogLinesIntoEvidence) {
  dir_.write("mta/send.log", "tls to old.a.test trust=Verified\n");  // before start: not news
  dir_.script("adapter/send.sh",
              "echo \"tls to mx1.a.test trust=Untrusted\" >> \"$STSLAB_WORKDIR/send.log\"\n"
              "echo \"unrelated noise\" >> \"$STSLAB_WORKDIR/send.log\"\n"
              "echo '{\"state\":\"delivered\",\"reason\":\"250 ok\"}'\n");
  const auto path = dir_.write("adapter/manifest.yaml", R"(schema: stslab.adapter/2
submit: {oneshot: "{{data_dir}}/send.sh {{to}}"}
status:
  logs:
    - file: "{{workdir}}/send.log"
      rules:
        - {kind: mta.tls, regex: 'tls to (\S+) trust=(\w+)', fields: [host, trust]}
capabilities: {time_control: none, tls_rpt: no, mta_sts: yes}
targets: {t: ~}
)");
  CommandAdapter mta(std::get<CommandManifest>(load_adapter_file(path).runner), "t");
  mta.start(lab());
  mta.submit(message("m1@a.test"));
  const auto tls = journal_.wait_for([](const core::Event& e) { return e.kind == "mta.tls"; },
                                     Clock::now() + std::chrono::seconds(5));
  ASSERT_TRUE(tls.has_value()) << "the log line did not reach the journal";
  EXPECT_EQ(tls->source, core::Source::mta);
  EXPECT_EQ(tls->host, "mx1.a.test");
  EXPECT_EQ(tls->data.value("trust", ""), "untrusted");
  ASSERT_EQ(deliveries("m1@a.test").size(), 1u);  // the attempt's own word, once
  mta.stop();
  EXPECT_EQ(journal_.query({.kind = "mta.tls"}).size(), 1u);  // not the line from before start
  EXPECT_TRUE(journal_.query({.kind = "mta.log_error"}).empty());
}

TEST_F(CommandAdapterTest, FlushResubmitsOnlyWhatIsStillDeferred) {
  dir_.script("adapter/flaky.sh", kFlakySender);
  auto mta = adapter("  submit: \"{{data_dir}}/flaky.sh {{to}}\"\n");
  ASSERT_TRUE(mta->capabilities().flush);
  mta->start(lab());
  mta->submit(message("m1@a.test"));
  mta->submit(message("bounce@a.test"));
  auto q = mta->queue();
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].recipient, "m1@a.test");
  EXPECT_EQ(q[0].state, "deferred");
  EXPECT_EQ(q[0].reason, "MX offers no STARTTLS");
  EXPECT_EQ(q[0].queue_id, "m1@a.test.id@stslab.test");
  EXPECT_EQ(q[1].state, "bounced");

  mta->flush();
  auto events = deliveries("m1@a.test");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].data.value("status", ""), "sent");
  EXPECT_EQ(events[1].data.value("attempts", 0), 2);
  q = mta->queue();
  EXPECT_EQ(q[0].state, "delivered");
  EXPECT_EQ(q[1].state, "bounced");

  mta->flush();  // nothing deferred: nothing runs
  EXPECT_EQ(dir_.read("mta/scenario-state/a.test/count.m1@a.test"), "2\n");
  EXPECT_EQ(dir_.read("mta/scenario-state/a.test/count.bounce@a.test"), "1\n");
  EXPECT_EQ(deliveries("m1@a.test").size(), 2u);
  mta->stop();
}

TEST_F(CommandAdapterTest, SideBySideSubmitsAndFlushesTryEachMessageOncePerRound) {
  dir_.script("adapter/flaky.sh", kFlakySender);
  auto mta = adapter("  submit: \"{{data_dir}}/flaky.sh {{to}}\"\n");
  mta->start(lab());
  constexpr int kMessages = 12;
  std::vector<std::thread> threads;
  for (int i = 0; i < kMessages; ++i) {
    threads.emplace_back([&, i] { mta->submit(message("m" + std::to_string(i) + "@a.test")); });
  }
  for (auto& t : threads)
    t.join();
  threads.clear();
  for (int i = 0; i < 3; ++i)
    threads.emplace_back([&] { mta->flush(); });
  for (auto& t : threads)
    t.join();
  for (int i = 0; i < kMessages; ++i) {
    const auto to = "m" + std::to_string(i) + "@a.test";
    EXPECT_EQ(dir_.read("mta/scenario-state/a.test/count." + to), "2\n") << to;
    const auto events = deliveries(to);
    ASSERT_EQ(events.size(), 2u) << to;
    EXPECT_EQ(events[1].data.value("status", ""), "sent") << to;
  }
  mta->stop();
}

// Issue 10: one-shot submits of different scenarios (domains) never share a state directory,
// and one scenario's flush or cache clearing leaves the others' alone.
TEST_F(CommandAdapterTest, EachDomainHasItsOwnStateDirectoryForOneShotCommands) {
  dir_.script("adapter/flaky.sh", kFlakySender);
  auto mta = adapter(
      "  submit: \"{{data_dir}}/flaky.sh {{to}}\"\n"
      "  clear_cache: \"touch \\\"$STSLAB_STATE_DIR/cleared\\\"\"\n");
  mta->start(lab());
  EXPECT_EQ(mta->state_dir_for("A.Test"), dir_.path() + "/mta/scenario-state/a.test");
  EXPECT_EQ(mta->state_dir_for("../x"), dir_.path() + "/mta/scenario-state/_.._x");
  EXPECT_EQ(mta->state_dir_for(""), dir_.path() + "/mta/state");
  mta->submit(message("m1@a.test"));
  mta->submit(message("m1@b.test"));
  EXPECT_EQ(dir_.read("mta/scenario-state/a.test/count.m1@a.test"), "1\n");
  EXPECT_EQ(dir_.read("mta/scenario-state/b.test/count.m1@b.test"), "1\n");
  EXPECT_FALSE(dir_.exists("mta/state/count.m1@a.test"));
  mta->flush_for("a.test");  // b.test's deferred message is not retried
  EXPECT_EQ(dir_.read("mta/scenario-state/a.test/count.m1@a.test"), "2\n");
  EXPECT_EQ(dir_.read("mta/scenario-state/b.test/count.m1@b.test"), "1\n");
  mta->clear_policy_cache_for("b.test");
  EXPECT_TRUE(dir_.exists("mta/scenario-state/b.test/cleared"));
  EXPECT_FALSE(dir_.exists("mta/scenario-state/a.test/cleared"));
  mta->stop();
}

// shared_state: yes: one directory for the run, and the sender's commands one at a time.
TEST_F(CommandAdapterTest, SharedStateMeansOneDirectoryAndOneCommandAtATime) {
  dir_.script("adapter/exclusive.sh",
              "mkdir \"$STSLAB_STATE_DIR/busy\" || touch \"$STSLAB_STATE_DIR/overlapped\"\n"
              "sleep 0.05\n"
              "rmdir \"$STSLAB_STATE_DIR/busy\"\n"
              "echo \"$1\" >> \"$STSLAB_STATE_DIR/done\"\n");
  auto mta = adapter("  submit: \"{{data_dir}}/exclusive.sh {{to}}\"\n", "\nshared_state: yes");
  mta->start(lab());
  EXPECT_EQ(mta->state_dir_for("a.test"), dir_.path() + "/mta/state");
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      mta->submit(message("m" + std::to_string(i) + "@d" + std::to_string(i) + ".test"));
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_FALSE(dir_.exists("mta/state/overlapped")) << "two submits ran at once";
  const auto done = dir_.read("mta/state/done");
  EXPECT_EQ(std::count(done.begin(), done.end(), '\n'), 6) << done;
  mta->stop();
}

// A submit killed at its timeout has given no answer: not "deferred" (issue 10 item 7).
TEST_F(CommandAdapterTest, ASubmitKilledAtItsTimeoutIsNoAnswer) {
  auto mta = adapter("  submit: \"echo '{\\\"state\\\":\\\"deferred\\\"}'; exec sleep 30\"\n",
                     "\ntimeout: 1");
  mta->start(lab());
  mta->submit(message("m1@a.test"));
  const auto events = deliveries("m1@a.test");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data.value("status", ""), "no-answer");
  mta->flush_for("a.test");  // no answer is no deferral: nothing to retry
  EXPECT_EQ(deliveries("m1@a.test").size(), 1u);
  mta->stop();
}

// A sender that prints 20 MB costs the harness its first and last 32 KiB; its last line still
// decides.
TEST_F(CommandAdapterTest, SubmitOutputIsCappedAndTheLastLineStillDecides) {
  auto mta = adapter(
      "  submit: \"head -c 20000000 /dev/zero | tr '\\\\0' x; echo; "
      "echo '{\\\"state\\\":\\\"delivered\\\",\\\"reason\\\":\\\"250 ok\\\"}'\"\n");
  mta->start(lab());
  mta->submit(message("m1@a.test"));
  const auto events = deliveries("m1@a.test");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data.value("status", ""), "sent");
  EXPECT_EQ(events[0].data.value("reason", ""), "250 ok");
  mta->stop();
}

TEST_F(CommandAdapterTest, ADaemonSenderIsFollowedThroughItsStatusCommand) {
  // The "daemon": submit spools the recipient; the test plays the sender by writing results.
  auto mta = adapter(
      "  submit: \"echo {{message_id}} >> \\\"$STSLAB_STATE_DIR/spool\\\"\"\n"
      "  status: \"cat \\\"$STSLAB_STATE_DIR/results\\\" 2>/dev/null || true\"\n",
      "\nsubmit_mode: daemon");
  EXPECT_FALSE(mta->capabilities().flush);  // no flush command
  mta->start(lab());
  const auto m = message("m1@a.test");
  mta->submit(m);
  EXPECT_EQ(dir_.read("mta/state/spool"), m.message_id + "\n");
  EXPECT_TRUE(deliveries("m1@a.test").empty());
  dir_.write("mta/state/results",
             "{\"id\":\"" + m.message_id + "\",\"state\":\"deferred\",\"reason\":\"no TLS\"}\n");
  const auto deferred = journal_.wait_for(
      [](const core::Event& e) {
        return e.kind == "mta.delivery" && e.data.value("status", "") == "deferred";
      },
      Clock::now() + std::chrono::seconds(5));
  ASSERT_TRUE(deferred.has_value()) << "the watcher did not journal the deferral";
  EXPECT_EQ(deferred->data.value("recipient", ""), "m1@a.test");
  EXPECT_EQ(deferred->data.value("reason", ""), "no TLS");
  dir_.write("mta/state/results",
             "{\"recipient\":\"m1@a.test\",\"state\":\"delivered\",\"reason\":\"250\"}\n");
  const auto sent = journal_.wait_for(
      [](const core::Event& e) {
        return e.kind == "mta.delivery" && e.data.value("status", "") == "sent";
      },
      Clock::now() + std::chrono::seconds(5));
  ASSERT_TRUE(sent.has_value()) << "the watcher did not journal the delivery";
  const auto q = mta->queue();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].state, "delivered");
  mta->stop();
  EXPECT_EQ(deliveries("m1@a.test").size(), 2u);  // each change once
}

TEST_F(CommandAdapterTest, AStartedSenderIsSupervisedUntilStop) {
  // A free port for the fake daemon.
  const int probe = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  getsockname(probe, reinterpret_cast<sockaddr*>(&addr), &len);
  const auto port = std::to_string(ntohs(addr.sin_port));
  close(probe);

  auto mta = adapter(
      "  start:\n    run: \"exec python3 -c 'import socket, time; s = socket.socket(); "
      "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind((\\\"127.0.0.1\\\", " +
      port +
      ")); s.listen(); time.sleep(120)'\"\n"
      "    ready: {tcp: \"{{mta_address}}:" +
      port +
      "\"}\n"
      "  submit: \"true\"\n"
      "  clear_cache: \"touch \\\"$STSLAB_STATE_DIR/cleared\\\"\"\n"
      "  stop: \"touch \\\"$STSLAB_WORKDIR/stopped\\\"\"\n");
  ASSERT_TRUE(mta->capabilities().clear_cache);
  mta->start(lab());
  EXPECT_TRUE(tcp_accepts("127.0.0.1:" + port));
  // The started sender keeps running and may keep an old time: clock moves must be waited out.
  EXPECT_FALSE(mta->capabilities().clock_read_per_command);
  mta->clear_policy_cache();
  EXPECT_TRUE(dir_.exists("mta/state/cleared"));
  mta->stop();
  EXPECT_TRUE(dir_.exists("mta/stopped"));
  EXPECT_FALSE(tcp_accepts("127.0.0.1:" + port)) << "the started sender outlived stop()";
}

TEST_F(CommandAdapterTest, AStartThatFailsOrAMissingProgramStopsStart) {
  auto mta = adapter("  start: \"echo cannot >&2; exit 3\"\n  submit: \"true\"\n");
  try {
    mta->start(lab());
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot"), std::string::npos) << e.what();
  }
  auto missing = adapter("  submit: \"true\"\n", "\nrequires: [no-such-sender-xyz]");
  try {
    missing->start(lab());
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-sender-xyz is not installed"), std::string::npos)
        << e.what();
  }
}

TEST_F(CommandAdapterTest, TimeControlRunsEveryCommandUnderLibfaketime) {
  auto mta = adapter(
      "  submit: \"date -u +%Y > \\\"$STSLAB_STATE_DIR/year\\\"; env > "
      "\\\"$STSLAB_STATE_DIR/env\\\"\"\n",
      "", "{time_control: faketime, tls_rpt: no, mta_sts: yes}");
  if (!mta->capabilities().time_control) GTEST_SKIP() << "libfaketime is not installed";
  const auto stamp = dir_.write("faketime.rc", "@2031-06-01 12:00:00\n");
  mta->start(lab(stamp));
  EXPECT_TRUE(mta->capabilities().time_control);
  // Each one-shot submit starts after a clock move: the lab need not wait out libfaketime's cache.
  EXPECT_TRUE(mta->capabilities().clock_read_per_command);
  mta->submit(message("m1@a.test"));
  const auto env = dir_.read("mta/scenario-state/a.test/env");
  EXPECT_NE(env.find("LD_PRELOAD="), std::string::npos) << env;
  EXPECT_NE(env.find("FAKETIME_TIMESTAMP_FILE=" + stamp), std::string::npos) << env;
  EXPECT_EQ(dir_.read("mta/scenario-state/a.test/year"), "2031\n");
  mta->stop();
}

TEST_F(CommandAdapterTest, WithoutAFaketimeFileTheTargetHasNoTimeControl) {
  auto mta =
      adapter("  submit: \"true\"\n", "", "{time_control: faketime, tls_rpt: no, mta_sts: yes}");
  mta->start(lab());
  EXPECT_FALSE(mta->capabilities().time_control);
  mta->stop();
}

// `dns_records`: run once after start; its records (blank and comment lines dropped) are what
// the lab publishes for the sender's own domains.
TEST_F(CommandAdapterTest, DnsRecordsArePrintedOnceAtStartAndKept) {
  dir_.script("adapter/records.sh",
              "n=$(cat \"$STSLAB_STATE_DIR/runs\" 2>/dev/null || echo 0)\n"
              "echo $((n + 1)) > \"$STSLAB_STATE_DIR/runs\"\n"
              "echo '; the sender'\"'\"'s own records'\n"
              "echo\n"
              "echo \"s1._domainkey.$1. TXT \\\"v=DKIM1; k=rsa; p=abc\\\" \\\"def\\\"\"\n"
              "echo \"  mail.$1. 300 IN A 192.0.2.1  \"\n");
  auto mta =
      adapter("  submit: \"true\"\n  dns_records: \"{{data_dir}}/records.sh {{sender_domain}}\"\n");
  EXPECT_TRUE(mta->own_dns_records().empty());
  mta->start(lab());
  mta->submit(message("m1@a.test"));
  EXPECT_EQ(
      mta->own_dns_records(),
      (std::vector<std::string>{"s1._domainkey.sender.test. TXT \"v=DKIM1; k=rsa; p=abc\" \"def\"",
                                "mail.sender.test. 300 IN A 192.0.2.1"}));
  EXPECT_EQ(dir_.read("mta/state/runs"), "1\n");
  mta->stop();
  // A target without the command publishes nothing.
  auto plain = adapter("  submit: \"true\"\n");
  plain->start(lab());
  EXPECT_TRUE(plain->own_dns_records().empty());
  plain->stop();
}

TEST_F(CommandAdapterTest, ADnsRecordsLineThatIsNoRecordFailsStartNamingCommandAndLine) {
  dir_.script("adapter/records.sh",
              "echo 'ok.sender.test. A 192.0.2.1'\necho 'this is no record'\n");
  auto mta = adapter("  submit: \"true\"\n  dns_records: \"{{data_dir}}/records.sh\"\n");
  try {
    mta->start(lab());
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("commands.dns_records"), std::string::npos) << what;
    EXPECT_NE(what.find("records.sh"), std::string::npos) << what;
    EXPECT_NE(what.find("line 2: \"this is no record\""), std::string::npos) << what;
  }
  EXPECT_TRUE(mta->own_dns_records().empty());  // nothing half-read is kept
  // A command that fails is an error too.
  auto failing = adapter("  submit: \"true\"\n  dns_records: \"echo no key >&2; exit 2\"\n");
  EXPECT_THROW(failing->start(lab()), std::runtime_error);
}

#ifdef STSLAB_SENDER_PROGRAM
// The reference manifest publishes the key its reports are signed with (RPT-12): selector
// stslab, d= the sender domain, the value split into strings of at most 255 octets.
TEST_F(CommandAdapterTest, TheReferenceSenderPublishesItsDkimKey) {
  CommandAdapter mta(load_command_manifest(data_root() + "/adapters/reference/manifest.yaml"),
                     "reference");
  mta.start(lab());
  const auto records = mta.own_dns_records();
  ASSERT_EQ(records.size(), 1u);
  const auto rr = dns::parse_record(records[0], 5);
  EXPECT_EQ(dns::to_string(ldns_rr_owner(rr.get())), "stslab._domainkey.sender.test.");
  EXPECT_EQ(ldns_rr_get_type(rr.get()), LDNS_RR_TYPE_TXT);
  EXPECT_GE(ldns_rr_rd_count(rr.get()), 2u);  // a 2048-bit key does not fit one string
  auto published = dir_.read("mta/state/dkim/selector.txt");
  ASSERT_FALSE(published.empty());
  published.pop_back();  // its newline
  EXPECT_EQ(dns::txt_joined(rr.get()), published);
  EXPECT_TRUE(published.starts_with("v=DKIM1; k=rsa; s=tlsrpt; p=")) << published;
  mta.stop();
}
#endif

}  // namespace
}  // namespace stslab::harness::adapters
