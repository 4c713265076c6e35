#include "stslab/harness/lab.hpp"

#include <stdlib.h>

#include <atomic>
#include <fstream>
#include <iostream>

#include "stslab/core/process.hpp"
#include "stslab/harness/termination.hpp"

namespace stslab::harness {
namespace fs = std::filesystem;

namespace {

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// The work directory: `wanted`, made if missing, or a fresh one under the temp dir.
fs::path make_workdir(const std::string& wanted) {
  if (!wanted.empty()) {
    fs::create_directories(wanted);
    return wanted;
  }
  std::string tmpl = (fs::temp_directory_path() / "stslab-run-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a work directory");
  return tmpl;
}

// The lab's files, written before the namespaces are entered (they are bind-mounted there).
LabFiles write_lab_files(const fs::path& workdir, const core::LabPki& pki) {
  // The MTA's own users (postfix, ...) must reach their configs and spools under it.
  fs::permissions(workdir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                               fs::perms::others_read | fs::perms::others_exec);
  for (const char* sub : {"lab", "messages", "mta"})
    fs::create_directories(workdir / sub);
  const LabFiles files{(workdir / "lab/resolv.conf").string(), (workdir / "lab/hosts").string(),
                       (workdir / "lab/ca.pem").string()};
  write_text(files.resolv_conf,
             std::string("nameserver ") + kLabDnsAddress + "\noptions timeout:2 attempts:2\n");
  write_text(files.hosts, "127.0.0.1 localhost\n");
  pki.write_ca_bundle(files.ca_bundle);
  return files;
}

// Children must trust the lab CA, whatever this machine sets globally (mta-lab-recipe §0.3),
// and must not be sent to a proxy outside the lab.
void set_child_environment(const fs::path& workdir, const LabFiles& files) {
  setenv("SSL_CERT_FILE", files.ca_bundle.c_str(), 1);
  setenv("SSL_CERT_DIR", (workdir / "lab").c_str(), 1);
  for (const char* proxy : {"https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"})
    unsetenv(proxy);
}

}  // namespace

Lab::Lab(const LabOptions& options, fs::path workdir)
    : options_(options), workdir_(std::move(workdir)), pki_(clock_), journal_(clock_) {}

std::unique_ptr<Lab> Lab::open(const LabOptions& options) {
  // Blocked from here on: a Ctrl-C before the signal thread runs stays pending and is taken by
  // it, which then removes the work directory (none is left by one landing right after mkdtemp).
  block_termination_signals();
  std::unique_ptr<Lab> lab(new Lab(options, make_workdir(options.workdir)));
  const LabFiles files = write_lab_files(lab->workdir_, lab->pki_);
  try {
    lab->namespace_.emplace(LabNamespace::enter(files));  // still single-threaded, as required
  } catch (const LabStartError&) {
    lab->closed_ = true;  // nothing to close: no fake ran
    std::error_code ignored;
    if (!options.keep) fs::remove_all(lab->workdir_, ignored);  // nothing of a lab ran in it
    throw;
  }
  // On a signal: kill the lab's PID namespace (every MTA process with it) and drop the work
  // directory unless kept. The network and mount namespaces vanish with this process.
  lab->armed_ = std::make_shared<std::atomic<LabNamespace*>>(&*lab->namespace_);
  on_termination("stslab", [armed = lab->armed_, dir = lab->workdir_, keep = options.keep](int) {
    // The other threads run on until _exit: what they start from now on must not run outside
    // the lab, where nothing would end it, so it runs behind a program that fails (kill_all
    // would otherwise drop the prefix to none).
    core::set_spawn_prefix({"/bin/false"});
    // Disarmed by close(): the namespaces are gone by then, and the Lab may be too.
    if (LabNamespace* ns = armed->load()) ns->kill_all({"/bin/false"});
    if (!keep) remove_after_exit(dir.string());
  });
  set_child_environment(lab->workdir_, files);
  try {
    lab->start_services();
  } catch (const std::exception& e) {
    lab->close();
    throw std::runtime_error(std::string(e.what()) +
                             "; work directory kept: " + lab->workdir_.string());
  }
  return lab;
}

void Lab::start_services() {
  services_ = std::make_unique<LabServices>(clock_, journal_, pki_);
  services_->start();
  // TLS-RPT reports become tlsrpt.report events.
  collector_ = std::make_unique<ReportCollector>(*services_);
  // libfaketime is not free (it wraps every clock call and re-reads its timestamp file once a
  // second): the sender runs under it only when the lab's clock will move, or when the lab
  // starts at another instant than the real one (STSLAB_LAB_START), where the sender must share
  // the lab's time to trust the certificates minted for it.
  if (options_.faketime || clock_.offset() != core::LabClock::duration::zero()) {
    services_->set_faketime_file((workdir_ / "lab/faketime.rc").string());
  }
}

Lab::~Lab() {
  close();
}

void Lab::start_target(MtaAdapter& mta) {
  const LabContext context{.workdir = (workdir_ / "mta").string(),
                           .ca_bundle = (workdir_ / "lab/ca.pem").string(),
                           .dns_address = kLabDnsAddress,
                           .mta_address = kMtaAddress,
                           .sender_domain = "sender.test",
                           .faketime_file = services_->faketime_file(),
                           .journal = &journal_,
                           .clock = &clock_};
  mta.start(context);
  services_->zone().add(mta.own_dns_records());
  services_->set_clock_readers_fresh(mta.capabilities().clock_read_per_command);
}

void Lab::close() {
  if (closed_) return;
  closed_ = true;
  collector_.reset();
  if (services_) services_->stop();
  {
    std::ofstream out(workdir_ / "journal.jsonl");
    journal_.write_jsonl(out);
  }
  if (armed_) armed_->store(nullptr);  // from here on this thread does the killing
  if (namespace_) namespace_->kill_all();
  if (journal_.dropped() > 0) {
    std::cerr << "stslab: the journal reached its bound; " << journal_.dropped()
              << " later events were dropped (a verdict that needed one is INCONCLUSIVE)\n";
  }
}

bool Lab::discard_workdir(bool harness_failed) {
  if (options_.keep || harness_failed) return true;
  std::error_code ignored;
  fs::remove_all(workdir_, ignored);
  return false;
}

}  // namespace stslab::harness
