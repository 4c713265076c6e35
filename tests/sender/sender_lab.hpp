// A small lab for the sender's integration tests: the real fake DNS, policy host and MX
// servers in-process on loopback (ephemeral ports), lab PKI certificates, and a state dir.
// The world is the domain a.test: MX 10 mx1.a.test (127.0.0.1), policy host mta-sts.a.test.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "stslab/core/journal.hpp"
#include "stslab/core/pki.hpp"
#include "stslab/dns/server.hpp"
#include "stslab/dns/zone.hpp"
#include "stslab/https/server.hpp"
#include "stslab/sender/report.hpp"
#include "stslab/sender/send.hpp"
#include "stslab/smtp/server.hpp"
#include "stslab/testing/io_thread.hpp"

namespace stslab::sender::testing {

inline const std::string kPolicyPath = "/.well-known/mta-sts.txt";

// A policy body for a.test.
std::string policy_text(const std::string& mode,
                        const std::vector<std::string>& mx = {"mx1.a.test"}, int max_age = 86400);

class SenderLab : public ::testing::Test {
 protected:
  SenderLab();
  ~SenderLab() override;

  // Publishes `_mta-sts.a.test TXT "v=STSv1; id=<id>"` and serves `policy` (text/plain).
  void publish(const std::string& policy, const std::string& id = "1");
  void set_policy_response(https::Response response, const std::string& path = kPolicyPath);
  void remove_txt();
  // Another MX vhost `name` on `address` (same SMTP port as mx1), with its A record.
  void add_mx(const std::string& name, const std::string& address);
  void set_starttls(const std::string& mx, bool offered);
  void set_mx_cert(const std::string& mx, core::CertProfile profile);

  // One send through the library entry point, as `stslab-sender send` would run it.
  SendResult send(DefectSet defects = {});
  // The arguments for running the real binary the same way.
  std::vector<std::string> send_argv(const std::string& binary) const;

  // The report world (RFC 8460): rpt.test, with an https POST sink at https://rpt.test/tlsrpt
  // and MX mx.rpt.test (127.0.0.2) for mailto:tlsrpt@rpt.test. `record` is published as
  // _smtp._tls.a.test.
  void publish_tlsrpt(const std::string& record);
  // One `stslab-sender report` run through the library.
  ReportRun report(DefectSet defects = {}, bool flush = true);

  std::vector<nlohmann::json> session_lines() const;
  std::size_t policy_requests() const;

  // The sender library runs in this process, on its real clock: so does this lab, whatever
  // STSLAB_LAB_START says (the sender binary's tests run it under the lab's time instead).
  core::LabClock clock{core::LabClock::duration::zero()};
  core::Journal journal{clock};
  core::LabPki pki{clock};
  stslab::testing::IoThread io;
  dns::Zone zone;
  std::unique_ptr<dns::DnsServer> dns_server;
  std::unique_ptr<https::HttpsServer> https_server;
  std::unique_ptr<smtp::SmtpServer> smtp_server;
  std::uint16_t dns_port = 0;
  std::uint16_t https_port = 0;
  std::uint16_t smtp_port = 0;
  std::filesystem::path dir;
  std::string diag;                         // the sender's stderr of the last send
  std::chrono::milliseconds timeout{5000};  // the sender's per-step deadline
};

}  // namespace stslab::sender::testing
