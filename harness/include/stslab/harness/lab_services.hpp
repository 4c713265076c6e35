// The fakes of one lab, composed: one io_context (on a few threads) running the DNS server, the
// policy host, the MX servers and one MITM proxy per MX. The world applier changes their
// behaviour; the classifier reads what they journaled. Nothing here knows about scenarios.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "stslab/core/clock.hpp"
#include "stslab/core/journal.hpp"
#include "stslab/core/pki.hpp"
#include "stslab/dns/server.hpp"
#include "stslab/dns/zone.hpp"
#include "stslab/harness/adapter.hpp"
#include "stslab/https/server.hpp"
#include "stslab/mitm/proxy.hpp"
#include "stslab/smtp/server.hpp"

namespace stslab::harness {

// Fixed lab addresses. Every other lab host gets an address from the AddressPlan.
inline constexpr const char* kLabDnsAddress = "127.0.0.53";
inline constexpr const char* kMtaAddress = "127.0.0.1";

struct LabPorts {
  unsigned short dns = 53;
  unsigned short https = 443;
  unsigned short smtp = 25;
};

class LabServices {
 public:
  LabServices(core::LabClock& clock, core::Journal& journal, core::LabPki& pki, LabPorts ports = {},
              int threads = 2);
  ~LabServices();  // stop()
  LabServices(const LabServices&) = delete;
  LabServices& operator=(const LabServices&) = delete;

  // Starts DNS on kLabDnsAddress, the policy server and the MX server (with no vhosts yet),
  // and the io threads.
  void start();
  void stop();

  dns::Zone& zone() { return zone_; }
  https::HttpsServer& https() { return *https_; }
  smtp::SmtpServer& smtp() { return *smtp_; }
  const LabPorts& ports() const { return ports_; }
  core::Journal& journal() { return journal_; }
  core::LabPki& pki() { return pki_; }
  core::LabClock& clock() { return clock_; }

  // The proxy fronting MX `name`, created (listening on `listen`, relaying to `upstream`) on
  // first use. Thread-safe.
  mitm::Proxy& proxy(const std::string& name, const boost::asio::ip::address& listen,
                     const boost::asio::ip::address& upstream);
  // Opens a policy-server listener on `address` if none is open there yet. Thread-safe.
  void ensure_https_listener(const boost::asio::ip::address& address);

  // Mailboxes that receive TLS-RPT reports (a world's rua=mailto: addresses): the report
  // collector reads every message to one of them. Compared case-insensitively. Thread-safe.
  void add_report_mailbox(const std::string& address);
  bool is_report_mailbox(const std::string& address) const;

  // Time. The lab clock moves, and with it the libfaketime timestamp file that a
  // time-controlled sender reads again within kFaketimeStaleness of a change
  // (FAKETIME_CACHE_DURATION: re-reading on every clock call cost the Postfix suite seconds),
  // so advance() returns only once that long has passed: then both agree. A sender whose
  // clock readers all start after the move (Capabilities::clock_read_per_command) sees it at
  // once: set_clock_readers_fresh() drops the wait.
  void set_faketime_file(std::string path);  // writes "+0" now
  const std::string& faketime_file() const { return faketime_file_; }
  void set_clock_readers_fresh(bool fresh) { clock_readers_fresh_ = fresh; }
  void advance(std::chrono::seconds by);

 private:
  core::LabClock& clock_;
  core::Journal& journal_;
  core::LabPki& pki_;
  LabPorts ports_;
  int thread_count_;
  boost::asio::io_context io_;
  std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  dns::Zone zone_;
  std::unique_ptr<dns::DnsServer> dns_;
  std::unique_ptr<https::HttpsServer> https_;
  std::unique_ptr<smtp::SmtpServer> smtp_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<mitm::Proxy>> proxies_;
  std::vector<boost::asio::ip::address> https_addresses_;
  std::string faketime_file_;
  std::mutex faketime_mutex_;
  bool clock_readers_fresh_ = false;
  mutable std::mutex report_mutex_;
  std::set<std::string> report_mailboxes_;  // lower case
  void write_faketime_file();
};

}  // namespace stslab::harness
