// The lab's TLS-RPT receivers (RFC 8460 §3): turns every report that reaches a report mailbox
// (a world's rua=mailto: host) or a report POST sink (rua=https:) into a journal event
// "tlsrpt.report", with the decoded report, its validation findings and how it came. The fakes
// store the bytes; this reads them on a thread of its own, never on the fakes' I/O threads.
//
// Event (Source::harness, kind "tlsrpt.report", domain and host = the receiving host, which is
// the scenario's domain or a name below it, so a scenario's journal filter finds it): {transport:
// mailto|https, receiver, message_id | post_id, policy_domains, error (null, or why no report could
// be read), analysis (tlsrpt's to_json(Analysis): report, summary, findings), and for mail dkim
// (one {domain, selector, status, detail} per signature, verified with the keys in the lab's zone;
// status verified | body-hash-mismatch | signature-mismatch | no-key | key-unusable | malformed)}.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include "stslab/harness/lab_services.hpp"

namespace stslab::harness {

class ReportCollector {
 public:
  explicit ReportCollector(LabServices& lab);
  ~ReportCollector();  // stops the thread; reports not yet read are dropped
  ReportCollector(const ReportCollector&) = delete;
  ReportCollector& operator=(const ReportCollector&) = delete;

 private:
  void on_event(const core::Event& e);
  void run();
  void read_mail(std::uint64_t message_id);
  void read_post(std::uint64_t post_id);

  LabServices& lab_;
  std::uint64_t token_ = 0;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<core::Event> pending_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace stslab::harness
