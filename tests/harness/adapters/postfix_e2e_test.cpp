// The postfix and postfix-plain adapters against the real programs inside a lab: delivery over
// verified TLS, a deferral when the MX offers no STARTTLS under an enforce policy (and delivery
// after a flush once it does), a policy cache that clear_policy_cache() really forgets, and the
// control delivering in plaintext. Needs root (namespaces), Postfix and the resolver.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "lab_child.hpp"
#include "stslab/core/process.hpp"
#include "stslab/harness/adapter.hpp"
#include "stslab/harness/adapters/waits.hpp"
#include "stslab/harness/lab_namespace.hpp"
#include "stslab/testing/process.hpp"

namespace stslab::testing {
namespace {

using Clock = std::chrono::steady_clock;
using harness::OutgoingMessage;

long ms_since(Clock::time_point t) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count());
}

const LabDomain kTls{"tls.e2e.test", "127.0.1.1", "127.0.1.80", true};
const LabDomain kStripped{"stripped.e2e.test", "127.0.2.1", "127.0.2.80", false};

// Waits for an event of `kind` about `recipient` (smtp.message: in rcpts; mta.*: recipient).
core::Event wait_about(core::Journal& journal, const std::string& kind,
                       const std::string& recipient, std::uint64_t after,
                       const std::function<bool(const core::Event&)>& also = {},
                       std::chrono::seconds within = std::chrono::seconds(20)) {
  const auto found = journal.wait_for(
      [&](const core::Event& e) {
        if (e.kind != kind) return false;
        const bool about =
            kind == "smtp.message"
                ? e.data.value("rcpts", nlohmann::json::array()).dump().find(recipient) !=
                      std::string::npos
                : e.data.value("recipient", "") == recipient;
        return about && (!also || also(e));
      },
      Clock::now() + within, after);
  lab_check(found.has_value(), "no " + kind + " event for " + recipient + " within " +
                                   std::to_string(within.count()) + " s");
  return *found;
}

std::size_t count(core::Journal& journal, const std::string& kind, const std::string& domain,
                  std::uint64_t after = 0) {
  return journal.query({.domain = domain, .kind = kind, .after_seq = after}).size();
}

void report(const char* what, long ms) {
  std::fprintf(stderr, "timing: %-45s %6ld ms\n", what, ms);
}

// The adapter's own account of its start and stop steps.
void report_lifecycle(core::Journal& journal) {
  for (const auto& e : journal.query({.kind = "mta.lifecycle"})) {
    const auto what = e.host + " " + e.data.value("step", "") + " " + e.data.value("service", "");
    report(what.c_str(), e.data.value("ms", 0L));
  }
}

class PostfixEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!harness::can_create_lab()) GTEST_SKIP() << "needs root to create the lab namespaces";
    for (const char* program : {"postfix", "sendmail", "postqueue", "mta-sts-daemon"}) {
      if (!have_program(program)) GTEST_SKIP() << program << " is not installed";
    }
  }

  void expect_success(const LabChildResult& r) {
    std::cout << r.output;
    EXPECT_EQ(r.exit_code, 0) << r.output;
  }
};

TEST_F(PostfixEndToEnd, EnforcesThePolicyAndForgetsItsCacheOnRequest) {
  expect_success(run_in_lab({kTls, kStripped}, [](LabWorld& w) {
    auto mta = harness::make_adapter("postfix");
    auto t = Clock::now();
    mta->start(w.context("postfix"));
    report("start (configs, check, resolver, master)", ms_since(t));
    lab_check(mta->capabilities().mta_sts && mta->capabilities().flush, "capabilities");
    // Postfix programs pause 300 ms at a time while main.cf is younger than two seconds.
    const auto main_cf = std::filesystem::path(w.context("postfix").workdir) / "etc/main.cf";
    lab_check(std::filesystem::last_write_time(main_cf) <
                  std::filesystem::file_time_type::clock::now() - std::chrono::seconds(2),
              "main.cf is younger than 2 s: Postfix would wait for it to cool down");
    const auto versions = mta->versions();
    lab_check(versions.value("postfix", "").rfind("3.", 0) == 0,
              "postfix version: " + versions.dump());
    lab_check(versions.value("postfix-mta-sts-resolver", "unknown") != "unknown",
              "resolver version: " + versions.dump());

    // 1. A valid MX under an enforce policy: delivered over verified TLS, policy fetched.
    const std::string m1 = "m1@" + kTls.name;
    auto after = w.journal.last_seq();
    t = Clock::now();
    mta->submit({.from = "s@sender.test", .to = m1, .path = w.write_message(m1)});
    const auto stored = wait_about(w.journal, "smtp.message", m1, after);
    report("submit -> first delivery (with policy fetch)", ms_since(t));
    lab_check(stored.data.value("tls", false), "m1 arrived without TLS");
    const auto sent = wait_about(w.journal, "mta.delivery", m1, after);
    lab_check(sent.data.value("status", "") == "sent", "m1 status: " + sent.data.dump());
    lab_check(sent.data["tls"].is_object() && sent.data["tls"].value("trust", "") == "verified",
              "m1 was not delivered over verified TLS: " + sent.data.dump());
    lab_check(count(w.journal, "https.request", "mta-sts." + kTls.name, after) == 1,
              "the policy was not fetched exactly once");
    lab_check(count(w.journal, "mta.tls", kTls.name, after) >= 1, "no mta.tls event");

    // 2. The MX offers no STARTTLS: the policy makes Postfix defer, and no MX sees the message.
    const std::string m2 = "m2@" + kStripped.name;
    after = w.journal.last_seq();
    mta->submit({.from = "s@sender.test", .to = m2, .path = w.write_message(m2)});
    auto deferred = wait_about(w.journal, "mta.delivery", m2, after);
    lab_check(deferred.data.value("status", "") == "deferred", "m2: " + deferred.data.dump());
    lab_check(deferred.data.value("reason", "").find("TLS is required") != std::string::npos,
              "m2 deferred for another reason: " + deferred.data.dump());
    lab_check(deferred.data.value("dsn", "") == "4.7.4", "m2 dsn: " + deferred.data.dump());
    lab_check(count(w.journal, "smtp.message", kStripped.name) == 0, "m2 reached an MX");
    const auto queue = mta->queue();
    const auto entry =
        std::find_if(queue.begin(), queue.end(), [&](const auto& q) { return q.recipient == m2; });
    lab_check(entry != queue.end() && entry->state == "deferred" &&
                  entry->reason.find("TLS") != std::string::npos && !entry->queue_id.empty(),
              "postqueue does not show m2 deferred for TLS");

    // 3. flush: a new attempt, deferred again; then STARTTLS comes back and a flush delivers.
    after = w.journal.last_seq();
    t = Clock::now();
    mta->flush();
    wait_about(w.journal, "mta.delivery", m2, after,
               [](const core::Event& e) { return e.data.value("status", "") == "deferred"; });
    report("flush -> retry deferred again", ms_since(t));
    w.smtp.update_vhost("mx1." + kStripped.name, [](smtp::Vhost& v) { v.caps.starttls = true; });
    after = w.journal.last_seq();
    t = Clock::now();
    mta->flush();
    const auto redelivered = wait_about(w.journal, "smtp.message", m2, after);
    report("flush -> retry delivered", ms_since(t));
    lab_check(redelivered.data.value("tls", false), "m2 redelivered without TLS");

    // 4. A cached policy means no new fetch; after clear_policy_cache() it is fetched again.
    const std::string m3 = "m3@" + kTls.name;
    after = w.journal.last_seq();
    mta->submit({.from = "s@sender.test", .to = m3, .path = w.write_message(m3)});
    wait_about(w.journal, "smtp.message", m3, after);
    lab_check(count(w.journal, "https.request", "mta-sts." + kTls.name, after) == 0,
              "the policy was fetched again although it was cached");
    t = Clock::now();
    mta->clear_policy_cache();
    report("clear_policy_cache", ms_since(t));
    const std::string m4 = "m4@" + kTls.name;
    after = w.journal.last_seq();
    mta->submit({.from = "s@sender.test", .to = m4, .path = w.write_message(m4)});
    wait_about(w.journal, "smtp.message", m4, after);
    lab_check(count(w.journal, "https.request", "mta-sts." + kTls.name, after) == 1,
              "the policy was not fetched again after clearing the cache");
    lab_check(count(w.journal, "mta.policy", kTls.name) >= 1, "no mta.policy event");

    t = Clock::now();
    mta->stop();
    report("stop", ms_since(t));
    lab_check(!harness::adapters::tcp_accepts("127.0.0.1:25"), "smtpd still listens after stop");
    if (harness::adapters::tcp_accepts("127.0.0.1:8461")) {
      // Seen once under load and not reproduced since: say who still listens, and what runs.
      std::system("ss -ltnp | grep 8461 >&2; ps -eo pid,pgid,ppid,stat,comm >&2");
    }
    lab_check(!harness::adapters::tcp_accepts("127.0.0.1:8461"),
              "the resolver still listens after stop");
    lab_check(count(w.journal, "mta.error", "") == 0, "the adapter journaled errors");
    const auto stopped = w.journal.query({.kind = "mta.lifecycle"});
    lab_check(std::any_of(stopped.begin(), stopped.end(),
                          [](const core::Event& e) {
                            return e.data.value("step", "") == "stopped" &&
                                   e.data.value("service", "") == "postfix" &&
                                   e.data.contains("pid");
                          }),
              "stop() did not find the Postfix master to wait for");
    report_lifecycle(w.journal);
  }));
}

TEST_F(PostfixEndToEnd, PlainPostfixFallsBackToPlaintext) {
  expect_success(run_in_lab({kTls, kStripped}, [](LabWorld& w) {
    auto mta = harness::make_adapter("postfix-plain");
    auto t = Clock::now();
    mta->start(w.context("postfix-plain"));
    report("start (configs, check, master)", ms_since(t));
    lab_check(!mta->capabilities().mta_sts, "postfix-plain claims MTA-STS");
    lab_check(!mta->versions().contains("postfix-mta-sts-resolver"), "plain reports a resolver");

    const std::string m1 = "m1@" + kStripped.name;
    auto after = w.journal.last_seq();
    t = Clock::now();
    mta->submit({.from = "s@sender.test", .to = m1, .path = w.write_message(m1)});
    const auto stored = wait_about(w.journal, "smtp.message", m1, after);
    report("submit -> first delivery", ms_since(t));
    lab_check(!stored.data.value("tls", true), "m1 arrived over TLS at an MX without STARTTLS");
    const auto sent = wait_about(w.journal, "mta.delivery", m1, after);
    lab_check(sent.data.value("status", "") == "sent" && sent.data["tls"] == false,
              "m1: " + sent.data.dump());
    lab_check(count(w.journal, "https.request", "mta-sts." + kStripped.name) == 0,
              "postfix-plain fetched a policy");

    // Opportunistic TLS where offered: CA-valid, no name check -> "trusted".
    const std::string m2 = "m2@" + kTls.name;
    after = w.journal.last_seq();
    mta->submit({.from = "s@sender.test", .to = m2, .path = w.write_message(m2)});
    wait_about(w.journal, "smtp.message", m2, after);
    const auto tls = wait_about(w.journal, "mta.delivery", m2, after);
    lab_check(tls.data["tls"].is_object() && tls.data["tls"].value("trust", "") == "trusted",
              "m2: " + tls.data.dump());
    t = Clock::now();
    mta->stop();
    report("stop", ms_since(t));
    report_lifecycle(w.journal);
    lab_check(!harness::adapters::tcp_accepts("127.0.0.1:25"), "smtpd still listens after stop");
  }));
}

TEST_F(PostfixEndToEnd, AStartFailureSaysWhyWithTheLogTail) {
  expect_success(run_in_lab({kTls}, [](LabWorld& w) {
    // Something else holds the SMTP port: the Postfix master cannot bind it.
    const int blocker = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(25);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    lab_check(bind(blocker, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  listen(blocker, 1) == 0,
              "cannot block port 25");
    auto mta = harness::make_adapter("postfix");
    try {
      mta->start(w.context("postfix"));
    } catch (const std::runtime_error& e) {
      const std::string what = e.what();
      std::fprintf(stderr, "start failed as expected:\n%s\n", what.c_str());
      lab_check(what.find("postfix") != std::string::npos, "the error does not name the target");
      lab_check(what.find("last lines of") != std::string::npos, "the error has no log tail");
      return;
    }
    lab_check(false, "start() succeeded although port 25 was taken");
  }));
}

// The day a log line written at `t` carries, in `format` (strftime, local time as Postfix and
// the resolver write it; the C locale's month names, as theirs).
std::string day_at(core::LabClock::time_point t, const char* format) {
  const auto time = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&time, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

TEST_F(PostfixEndToEnd, UnderFaketimeTheResolverAndPostfixLiveInTheLabsTime) {
  if (!have_program("faketime")) GTEST_SKIP() << "faketime is not installed";
  expect_success(run_in_lab({kStripped}, [](LabWorld& w) {
    // Three days ahead of the lab's own time (which STSLAB_LAB_START may have moved already).
    const auto ahead = std::chrono::hours(72);
    const auto offset = std::chrono::duration_cast<std::chrono::seconds>(w.clock.offset() + ahead);
    const std::string faketime = w.dir + "/faketime.rc";
    std::ofstream(faketime) << "+" << offset.count() << "\n";
    const auto faked_start = std::chrono::system_clock::now() + offset;
    auto lab = w.context("postfix");
    lab.faketime_file = faketime;
    auto mta = harness::make_adapter("postfix");
    lab_check(mta->capabilities().time_control, "libfaketime not found before start");
    mta->start(lab);
    lab_check(mta->capabilities().time_control, "not under libfaketime after start");
    // A delivery makes both programs log (whatever they then decide: the lab's certificates
    // were minted for the real "now", which the faked clock may be past).
    const std::string m1 = "m1@" + kStripped.name;
    const auto after = w.journal.last_seq();
    mta->submit({.from = "s@sender.test", .to = m1, .path = w.write_message(m1)});
    const auto delivery = wait_about(w.journal, "mta.delivery", m1, after);
    const auto policy = w.journal.wait_for({.domain = kStripped.name, .kind = "mta.policy"},
                                           Clock::now() + std::chrono::seconds(20));
    lab_check(policy.has_value(), "the resolver logged no lookup");
    mta->stop();
    // The faked day when the test began or an hour later (a midnight may pass meanwhile).
    const auto starts_with_day = [&](const std::string& line, const char* format) {
      return line.rfind(day_at(faked_start, format), 0) == 0 ||
             line.rfind(day_at(faked_start + std::chrono::hours(1), format), 0) == 0;
    };
    const auto smtp_line = delivery.data.value("line", "");
    const auto resolver_line = policy->data.value("line", "");
    // Postfix's maillog_file pads the day with a zero ("Dec 05"), not a blank as syslog does.
    lab_check(starts_with_day(smtp_line, "%b %d"),
              "postfix's smtp logs in real time: " + smtp_line);
    lab_check(starts_with_day(resolver_line, "%Y-%m-%d"),
              "the resolver logs in real time: " + resolver_line);
  }));
}

}  // namespace
}  // namespace stslab::testing
