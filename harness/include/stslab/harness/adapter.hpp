// The contract between the scenario engine and a sending MTA (design.md "MTA adapters"). An
// adapter starts the sender inside the lab, submits messages, asks for retries and reports what
// the sender says about its queue. What the sender does on the wire is observed by the fakes,
// not by the adapter: adapter status is secondary evidence.
//
// Adapters also journal (Source::mta) what the MTA logs about deliveries, as events of kind
// "mta.delivery" {recipient, status: sent|deferred|bounced|expired, reason, relay, dsn, line},
// so the engine can wait on them without polling.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "stslab/core/clock.hpp"
#include "stslab/core/faketime.hpp"
#include "stslab/core/journal.hpp"

namespace stslab::harness {

// libfaketime's cache and the lab's wait after a clock move (stslab/core/faketime.hpp).
using core::kFaketimeCacheSeconds;
using core::kFaketimeStaleness;

// What the lab gives an adapter.
struct LabContext {
  std::string workdir;        // this adapter's own directory (configs, spools, logs)
  std::string ca_bundle;      // the lab CA bundle (also bind-mounted over the system one)
  std::string dns_address;    // the lab resolver, e.g. "127.0.0.53"
  std::string mta_address;    // where the MTA may listen, e.g. "127.0.0.1" (never a lab host)
  std::string sender_domain;  // the envelope sender's domain, e.g. "sender.test"
  std::string faketime_file;  // the libfaketime timestamp file the lab rewrites ("" = none)
  core::Journal* journal = nullptr;
  const core::LabClock* clock = nullptr;
};

struct Capabilities {
  bool flush = false;         // can ask for an immediate retry
  bool clear_cache = false;   // can forget cached MTA-STS policies
  bool time_control = false;  // the sender's clock follows the lab clock (libfaketime)
  bool tls_rpt = false;       // sends TLS-RPT reports
  // can be told to send its pending TLS-RPT reports now (send_reports()); without it, a
  // time-controlled sender is moved past midnight UTC to make it report the day
  bool report_flush = false;
  bool mta_sts = true;  // implements MTA-STS at all (controls say false)
  // Every program of the sender that reads the clock is started per command (one-shot
  // submits, no daemon): each reads the lab's timestamp file afresh, so a clock move is seen
  // at once and the lab need not wait out libfaketime's cache (kFaketimeStaleness).
  bool clock_read_per_command = false;
};

struct OutgoingMessage {
  std::string from;        // envelope sender
  std::string to;          // envelope recipient; unique per message in a run
  std::string path;        // the RFC 5322 message in a file
  std::string message_id;  // its Message-ID, without <>
};

// One recipient as the MTA's queue sees it.
struct QueueEntry {
  std::string recipient;
  std::string state;   // queued | deferred | delivered | bounced
  std::string reason;  // the MTA's words for a deferral or bounce
  std::string queue_id;
};

class MtaAdapter {
 public:
  virtual ~MtaAdapter() = default;

  virtual std::string name() const = 0;
  virtual Capabilities capabilities() const = 0;
  // Program versions for the report, e.g. {"postfix": "3.7.11", "postfix-mta-sts-resolver": ...}.
  virtual nlohmann::json versions() const = 0;

  // Starts the sender; returns when it accepts submissions. Throws std::runtime_error with the
  // reason (and the log excerpt) if it cannot.
  virtual void start(const LabContext& lab) = 0;
  virtual void submit(const OutgoingMessage& message) = 0;
  virtual void flush() = 0;  // no-op where capabilities().flush is false
  virtual std::vector<QueueEntry> queue() = 0;
  virtual void clear_policy_cache() = 0;
  // The same for one scenario's domain only, which is what the engine calls: scenarios run side
  // by side, and one scenario's retry or cache clearing must not touch another's messages. An
  // adapter that cannot scope them does the whole sender's (the default).
  virtual void flush_for(const std::string& /*policy_domain*/) { flush(); }
  virtual void clear_policy_cache_for(const std::string& /*policy_domain*/) {
    clear_policy_cache();
  }
  // Sends the pending TLS-RPT reports now, the current day's included: at least those for
  // `policy_domain` (a sender may send others too). A no-op where capabilities().report_flush
  // is false.
  virtual void send_reports(const std::string& /*policy_domain*/) {}
  // Zone-file records (one per entry, absolute owner names) the lab serves for the sender's own
  // domains, such as its DKIM key for mailed TLS-RPT reports (RFC 8460 §3). Known once start()
  // has returned; the lab publishes them in its DNS then. None by default.
  virtual std::vector<std::string> own_dns_records() const { return {}; }
  // Stops the sender gracefully; the lab kills whatever is left.
  virtual void stop() = 0;
};

// Builds an adapter by target name ("postfix", "postfix-plain", ...). Throws
// std::invalid_argument listing the known names.
std::unique_ptr<MtaAdapter> make_adapter(const std::string& name);
std::vector<std::string> adapter_names();

}  // namespace stslab::harness
