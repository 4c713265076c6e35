// The worked example examples/adapters/swaks (a command adapter made of shell: dig + swaks)
// against the fakes inside a lab: it delivers over TLS when offered, falls back to plaintext
// under an enforce policy when STARTTLS is missing (it has no MTA-STS: the control's
// behaviour), defers on a 4xx and delivers on flush, bounces on a 5xx. Needs root, swaks, dig.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>

#include "lab_child.hpp"
#include "stslab/harness/adapter.hpp"
#include "stslab/harness/adapters/registry.hpp"
#include "stslab/harness/lab_namespace.hpp"
#include "stslab/testing/process.hpp"

namespace stslab::testing {
namespace {

const LabDomain kTls{"tls.swaks.test", "127.0.3.1", "127.0.3.80", true};
const LabDomain kStripped{"stripped.swaks.test", "127.0.4.1", "127.0.4.80", false};

const std::string kManifest =
    std::string(STSLAB_SOURCE_DIR) + "/examples/adapters/swaks/manifest.yaml";

// The newest event of `kind` about `recipient` (smtp.message: in rcpts) after `after`.
std::optional<core::Event> last_about(core::Journal& journal, const std::string& kind,
                                      const std::string& recipient, std::uint64_t after) {
  std::optional<core::Event> found;
  for (const auto& e : journal.query({.kind = kind, .after_seq = after})) {
    const bool about =
        kind == "smtp.message"
            ? e.data.value("rcpts", nlohmann::json::array()).dump().find(recipient) !=
                  std::string::npos
            : e.data.value("recipient", "") == recipient;
    if (about) found = e;
  }
  return found;
}

// Submits and checks what the adapter journaled (before submit() returned) and what the MX got.
core::Event submit(harness::MtaAdapter& mta, LabWorld& w, const std::string& to,
                   const std::string& status) {
  const auto after = w.journal.last_seq();
  mta.submit(
      {.from = "s@sender.test", .to = to, .path = w.write_message(to), .message_id = to + ".id"});
  const auto e = last_about(w.journal, "mta.delivery", to, after);
  lab_check(e.has_value(), "no mta.delivery for " + to + " when submit() returned");
  lab_check(e->data.value("status", "") == status,
            to + ": expected " + status + ", got " + e->data.dump());
  return *e;
}

class SwaksExampleEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!harness::can_create_lab()) GTEST_SKIP() << "needs root to create the lab namespaces";
    for (const char* program : {"swaks", "dig"}) {
      if (!have_program(program)) GTEST_SKIP() << program << " is not installed";
    }
  }
};

TEST_F(SwaksExampleEndToEnd, DeliversFallsBackDefersAndBouncesLikeAnOpportunisticSender) {
  const auto r = run_in_lab({kTls, kStripped}, [](LabWorld& w) {
    harness::adapters::add_adapter_manifest(kManifest);
    auto mta = harness::make_adapter("swaks");
    lab_check(!mta->capabilities().mta_sts, "the example claims MTA-STS");
    mta->start(w.context("swaks"));
    lab_check(mta->versions().value("swaks", "").find("swaks") != std::string::npos,
              "swaks version: " + mta->versions().dump());

    // 1. STARTTLS offered: taken, and the MX got the message in TLS.
    const std::string m1 = "m1@" + kTls.name;
    auto after = w.journal.last_seq();
    const auto sent = submit(*mta, w, m1, "sent");
    lab_check(sent.host == "mx1." + kTls.name, "relay: " + sent.data.dump());
    lab_check(sent.data["tls"].is_object(), "m1 without TLS: " + sent.data.dump());
    auto stored = last_about(w.journal, "smtp.message", m1, after);
    lab_check(stored && stored->data.value("tls", false), "the MX did not get m1 in TLS");

    // 2. An enforce policy, but no STARTTLS: it falls back to plaintext (it has no MTA-STS).
    const std::string m2 = "m2@" + kStripped.name;
    after = w.journal.last_seq();
    const auto plain = submit(*mta, w, m2, "sent");
    lab_check(plain.data.value("tls", true) == false, "m2: " + plain.data.dump());
    stored = last_about(w.journal, "smtp.message", m2, after);
    lab_check(stored && !stored->data.value("tls", true), "the MX did not get m2 in plaintext");

    // 3. 451 at RCPT: deferred, remembered; a flush once the MX accepts delivers it.
    w.smtp.update_vhost("mx1." + kTls.name, [](smtp::Vhost& v) {
      v.replies = {
          {.stage = smtp::Stage::rcpt, .code = 451, .text = "4.7.1 later", .match = "m3@"}};
    });
    const std::string m3 = "m3@" + kTls.name;
    const auto deferred = submit(*mta, w, m3, "deferred");
    lab_check(deferred.data.value("reason", "").find("451") != std::string::npos,
              "m3 reason: " + deferred.data.dump());
    const auto queue = mta->queue();
    lab_check(queue.size() == 3 && queue[2].recipient == m3 && queue[2].state == "deferred",
              "queue() does not show m3 deferred");
    w.smtp.update_vhost("mx1." + kTls.name, [](smtp::Vhost& v) { v.replies.clear(); });
    after = w.journal.last_seq();
    mta->flush();
    const auto retried = last_about(w.journal, "mta.delivery", m3, after);
    lab_check(retried && retried->data.value("status", "") == "sent",
              "m3 after flush: " + (retried ? retried->data.dump() : std::string("no event")));
    lab_check(last_about(w.journal, "smtp.message", m3, after).has_value(),
              "the MX did not get m3 after the flush");

    // 4. 550 at RCPT: bounced, and a flush leaves it alone.
    w.smtp.update_vhost("mx1." + kTls.name, [](smtp::Vhost& v) {
      v.replies = {{.stage = smtp::Stage::rcpt, .code = 550, .text = "5.1.1 no such user"}};
    });
    const std::string m4 = "m4@" + kTls.name;
    submit(*mta, w, m4, "bounced");
    after = w.journal.last_seq();
    mta->flush();
    lab_check(!last_about(w.journal, "mta.delivery", m4, after), "a bounced message was retried");
    mta->stop();
  });
  std::cout << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace
}  // namespace stslab::testing
