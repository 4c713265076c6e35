// Runs a test body in a forked child that enters its own lab (network + mount + PID namespaces)
// with the fakes up: fake DNS on 127.0.0.53:53, fake MX vhosts and MTA-STS policy hosts. The
// child reports through its exit code and its stderr (captured in a file the parent reads), so
// gtest assertions stay in the parent.
//
// Why fork: LabNamespace::enter() needs a single-threaded process, and a lab must not leak into
// the test runner.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "stslab/core/clock.hpp"
#include "stslab/core/journal.hpp"
#include "stslab/core/pki.hpp"
#include "stslab/harness/adapter.hpp"
#include "stslab/smtp/server.hpp"

namespace stslab::testing {

// A failed expectation inside the lab child.
struct LabCheckFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};
inline void lab_check(bool ok, const std::string& what) {
  if (!ok) throw LabCheckFailed(what);
}

// One domain of the lab world: an MX "mx1.<name>" and a policy host "mta-sts.<name>" serving an
// enforce policy for that MX.
struct LabDomain {
  std::string name;            // "tls.e2e.test"
  std::string mx_address;      // "127.0.1.1"
  std::string policy_address;  // "127.0.1.80"
  bool starttls = true;
};

struct LabWorld {
  core::LabClock& clock;
  core::Journal& journal;
  core::LabPki& pki;
  smtp::SmtpServer& smtp;
  std::string dir;        // the run's scratch directory (kept for inspection on failure)
  std::string ca_bundle;  // the lab CA bundle file
  // The libfaketime timestamp file holding the lab clock's offset, when the lab starts at
  // another instant (STSLAB_LAB_START); "" when it starts at real time.
  std::string faketime_file;

  harness::LabContext context(const std::string& adapter_dir) const;
  // Writes a small RFC 5322 message for `to` and returns its path.
  std::string write_message(const std::string& to) const;
};

struct LabChildResult {
  int exit_code = -1;  // 0: every check in the body held
  std::string output;  // the child's stderr: failures, and the timings it measured
};

// Forks, builds the lab world with `domains`, runs `body`, and returns how it went. Kills the
// child after `timeout`.
LabChildResult run_in_lab(const std::vector<LabDomain>& domains,
                          const std::function<void(LabWorld&)>& body,
                          std::chrono::seconds timeout = std::chrono::seconds(120));

}  // namespace stslab::testing
