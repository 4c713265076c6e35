// One lab, opened once and closed once: the work directory and its files (resolver, hosts, the
// lab CA bundle, the libfaketime file), the namespaces, the environment the sender inherits,
// the lab clock, the journal, the fakes (LabServices) and the TLS-RPT report collector.
// `stslab run` is a thin front end over it (and `serve` will be); Ctrl-C tears it down through
// termination.hpp, the one place signals are handled.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "stslab/core/clock.hpp"
#include "stslab/core/journal.hpp"
#include "stslab/core/pki.hpp"
#include "stslab/harness/adapter.hpp"
#include "stslab/harness/lab_namespace.hpp"
#include "stslab/harness/lab_services.hpp"
#include "stslab/harness/report_collector.hpp"

namespace stslab::harness {

struct LabOptions {
  std::string workdir;    // "" = a fresh directory under the temp dir; made if missing
  bool keep = false;      // keep the work directory after a clean close (and on Ctrl-C)
  bool faketime = false;  // the sender runs under libfaketime (the lab's clock will move)
};

class Lab {
 public:
  // Makes the work directory and its files, enters the namespaces (the process must still be
  // single-threaded), installs the Ctrl-C teardown, sets the environment children inherit and
  // starts the fakes. Throws LabStartError if the namespaces cannot be made (the work directory
  // is removed then unless kept); std::runtime_error naming the kept work directory if a fake
  // cannot start.
  static std::unique_ptr<Lab> open(const LabOptions& options);
  ~Lab();  // close()
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  const std::filesystem::path& workdir() const { return workdir_; }
  std::string message_dir() const { return (workdir_ / "messages").string(); }
  core::LabClock& clock() { return clock_; }
  core::Journal& journal() { return journal_; }
  LabServices& services() { return *services_; }

  // Starts the sender inside the lab with what it needs to know of it, publishes its own DNS
  // records (its DKIM key, RFC 8460 §3) and tells the clock how it reads time. Throws what the
  // adapter throws.
  void start_target(MtaAdapter& mta);

  // Stops the report collector and the fakes, writes journal.jsonl into the work directory and
  // kills every process left in the lab. Idempotent.
  void close();
  // After close(): removes the work directory unless it is to be kept (LabOptions::keep, or
  // `harness_failed`: a lab fault or an ERROR verdict, whose evidence is in it). Returns whether
  // it was kept.
  bool discard_workdir(bool harness_failed);

 private:
  Lab(const LabOptions& options, std::filesystem::path workdir);
  void start_services();

  LabOptions options_;
  std::filesystem::path workdir_;
  core::LabClock clock_;
  core::LabPki pki_;
  core::Journal journal_;
  std::optional<LabNamespace> namespace_;
  // What the Ctrl-C teardown kills: the namespace while the lab is open, nullptr after close().
  std::shared_ptr<std::atomic<LabNamespace*>> armed_;
  std::unique_ptr<LabServices> services_;
  std::unique_ptr<ReportCollector> collector_;
  bool closed_ = false;
};

}  // namespace stslab::harness
