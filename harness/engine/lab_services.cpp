#include "stslab/harness/lab_services.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <stdexcept>

#include "stslab/core/names.hpp"

namespace stslab::harness {

namespace asio = boost::asio;

LabServices::LabServices(core::LabClock& clock, core::Journal& journal, core::LabPki& pki,
                         LabPorts ports, int threads)
    : clock_(clock), journal_(journal), pki_(pki), ports_(ports), thread_count_(threads) {}

LabServices::~LabServices() {
  stop();
}

void LabServices::start() {
  work_ = std::make_unique<asio::executor_work_guard<asio::io_context::executor_type>>(
      asio::make_work_guard(io_));
  dns_ = std::make_unique<dns::DnsServer>(
      io_, journal_, zone_,
      dns::ServerOptions{.endpoints = {{asio::ip::make_address(kLabDnsAddress), ports_.dns}}});
  dns_->start();
  // The policy server starts with no listener: each scenario's policy host adds its address.
  https_ = std::make_unique<https::HttpsServer>(io_, journal_, pki_, https::Options{});
  https_->start();
  smtp::SmtpServer::Options smtp_options;
  smtp_options.clock = &clock_;
  smtp_ = std::make_unique<smtp::SmtpServer>(io_, journal_, pki_, std::move(smtp_options));
  smtp_->start();
  for (int i = 0; i < thread_count_; ++i)
    threads_.emplace_back([this] { io_.run(); });
}

void LabServices::stop() {
  {
    std::lock_guard lock(mutex_);
    for (auto& [name, proxy] : proxies_)
      proxy->stop();
  }
  if (smtp_) smtp_->stop();
  if (https_) https_->stop();
  if (dns_) dns_->stop();
  work_.reset();
  io_.stop();
  for (auto& t : threads_)
    t.join();
  threads_.clear();
  // Sessions hold references into these; destroy them only once the io threads are gone.
  std::lock_guard lock(mutex_);
  proxies_.clear();
}

mitm::Proxy& LabServices::proxy(const std::string& name, const asio::ip::address& listen,
                                const asio::ip::address& upstream) {
  std::lock_guard lock(mutex_);
  auto& slot = proxies_[name];
  if (!slot) {
    slot = std::make_unique<mitm::Proxy>(
        io_, journal_, pki_,
        mitm::Options{
            .name = name, .listen = {{listen, ports_.smtp}}, .upstream = {upstream, ports_.smtp}});
    slot->start();
  }
  return *slot;
}

void LabServices::ensure_https_listener(const asio::ip::address& address) {
  std::lock_guard lock(mutex_);
  if (std::find(https_addresses_.begin(), https_addresses_.end(), address) !=
      https_addresses_.end()) {
    return;
  }
  https_->listen({address, ports_.https});
  https_addresses_.push_back(address);
}

}  // namespace stslab::harness

namespace stslab::harness {

void LabServices::set_faketime_file(std::string path) {
  faketime_file_ = std::move(path);
  write_faketime_file();
}

void LabServices::advance(std::chrono::seconds by) {
  std::chrono::steady_clock::time_point visible_at;
  {
    // Scenarios advance side by side: one writer of the file at a time.
    std::lock_guard lock(faketime_mutex_);
    clock_.advance(by);
    write_faketime_file();
    visible_at = std::chrono::steady_clock::now() + kFaketimeStaleness;
  }
  // A process under libfaketime reads the file again in the next second of real time
  // (core/faketime.hpp, kFaketimeStaleness): only then is the new time certain to be seen.
  // Nothing the sender does can show it earlier, so this one wait is on the clock, not on an event.
  if (!faketime_file_.empty() && !clock_readers_fresh_) std::this_thread::sleep_until(visible_at);
}

void LabServices::write_faketime_file() {
  if (faketime_file_.empty()) return;
  // Write a new file and rename it over the old one, so a reader never sees half a line.
  const auto offset = std::chrono::duration_cast<std::chrono::seconds>(clock_.offset()).count();
  const std::string tmp = faketime_file_ + ".new";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << (offset >= 0 ? "+" : "") << offset << "\n";
    if (!out) throw std::runtime_error("cannot write the faketime file " + tmp);
  }
  if (std::rename(tmp.c_str(), faketime_file_.c_str()) != 0) {
    throw std::runtime_error("cannot replace the faketime file " + faketime_file_);
  }
}

}  // namespace stslab::harness

namespace stslab::harness {

void LabServices::add_report_mailbox(const std::string& address) {
  std::lock_guard lock(report_mutex_);
  report_mailboxes_.insert(core::ascii_lower(address));
}

bool LabServices::is_report_mailbox(const std::string& address) const {
  std::lock_guard lock(report_mutex_);
  return report_mailboxes_.count(core::ascii_lower(address)) > 0;
}

}  // namespace stslab::harness
