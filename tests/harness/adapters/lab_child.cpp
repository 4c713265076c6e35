#include "lab_child.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "stslab/dns/server.hpp"
#include "stslab/harness/lab_namespace.hpp"
#include "stslab/https/server.hpp"
#include "stslab/testing/io_thread.hpp"

namespace stslab::testing {
namespace {

using boost::asio::ip::make_address;

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string policy_for(const LabDomain& d) {
  return "version: STSv1\r\nmode: enforce\r\nmx: mx1." + d.name + "\r\nmax_age: 86400\r\n";
}

// Runs one step of building the lab; an error names the step.
template <typename F>
auto step(const char* what, F&& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(what) + ": " + e.what());
  }
}

// The child's whole life: build the lab, run the body, tear down. Never returns.
[[noreturn]] void child_main(const std::string& dir, const std::vector<LabDomain>& domains,
                             const std::function<void(LabWorld&)>& body) {
  int rc = 0;
  try {
    core::LabClock clock;
    core::Journal journal(clock);
    core::LabPki pki(clock);
    const std::string ca = dir + "/ca.pem";
    step("writing the CA bundle", [&] { pki.write_ca_bundle(ca); });
    write_file(dir + "/resolv.conf", "nameserver 127.0.0.53\noptions timeout:2 attempts:2\n");
    write_file(dir + "/hosts", "127.0.0.1 localhost\n");
    auto lab = step("entering the lab", [&] {
      return harness::LabNamespace::enter({dir + "/resolv.conf", dir + "/hosts", ca});
    });

    IoThread io;  // threads only after enter(), which needs a single-threaded process
    dns::Zone zone;
    dns::DnsServer dns_server(io.io(), journal, zone,
                              {.endpoints = {{make_address("127.0.0.53"), 53}}});
    step("starting fake DNS", [&] { dns_server.start(); });

    smtp::SmtpServer::Options smtp_options;
    smtp_options.clock = &clock;
    https::Options https_options;
    for (const auto& d : domains) {
      smtp::Vhost mx;
      mx.name = "mx1." + d.name;
      mx.listen = {{make_address(d.mx_address), 25}};
      mx.caps.starttls = d.starttls;
      smtp_options.vhosts.push_back(mx);
      https_options.endpoints.push_back({make_address(d.policy_address), 443});
      step("adding DNS records", [&] {
        zone.add({d.name + ". MX 10 mx1." + d.name + ".", "mx1." + d.name + ". A " + d.mx_address,
                  "mta-sts." + d.name + ". A " + d.policy_address,
                  "_mta-sts." + d.name + ". TXT \"v=STSv1; id=1\""});
      });
    }
    smtp::SmtpServer smtp_server(io.io(), journal, pki, smtp_options);
    step("starting the fake MX", [&] { smtp_server.start(); });
    https::HttpsServer https_server(io.io(), journal, pki, https_options);
    for (const auto& d : domains) {
      step("adding a policy host", [&] {
        https_server.set_vhost(
            {.name = "mta-sts." + d.name,
             .addresses = {make_address(d.policy_address)},
             .routes = {{"/.well-known/mta-sts.txt", https::Response::text(policy_for(d))}}});
      });
    }
    step("starting the policy host", [&] { https_server.start(); });

    // A lab that starts off the real time puts every sender on its clock, as stslab run does.
    std::string faketime_file;
    if (clock.offset() != core::LabClock::duration::zero()) {
      faketime_file = dir + "/lab-time.rc";
      const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(clock.offset()).count();
      write_file(faketime_file, (seconds >= 0 ? "+" : "") + std::to_string(seconds) + "\n");
    }
    LabWorld world{clock, journal, pki, smtp_server, dir, ca, faketime_file};
    try {
      body(world);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "FAILED: %s\n", e.what());
      rc = 1;
    }
    if (rc != 0) {
      std::ostringstream events;
      journal.write_jsonl(events);
      std::fprintf(stderr, "--- journal ---\n%s", events.str().c_str());
    }
    https_server.stop();
    smtp_server.stop();
    dns_server.stop();
    // The servers' destructors run before the IoThread's, while it still runs their sessions.
  } catch (const std::exception& e) {
    std::fprintf(stderr, "FAILED to build the lab: %s\n", e.what());
    rc = 2;
  }
  std::fflush(stderr);
  _exit(rc);  // the lab's reaper dies with us and takes every lab process along
}

}  // namespace

harness::LabContext LabWorld::context(const std::string& adapter_dir) const {
  return {.workdir = dir + "/" + adapter_dir,
          .ca_bundle = ca_bundle,
          .dns_address = "127.0.0.53",
          .mta_address = "127.0.0.1",
          .sender_domain = "sender.test",
          .faketime_file = faketime_file,
          .journal = &journal,
          .clock = &clock};
}

std::string LabWorld::write_message(const std::string& to) const {
  static int counter = 0;
  const std::string path = dir + "/message-" + std::to_string(++counter) + ".eml";
  write_file(path, "From: s@sender.test\nTo: " + to + "\nSubject: stslab adapter test\n" +
                       "Message-ID: <" + std::to_string(counter) + "@sender.test>\n\nhello\n");
  return path;
}

LabChildResult run_in_lab(const std::vector<LabDomain>& domains,
                          const std::function<void(LabWorld&)>& body,
                          std::chrono::seconds timeout) {
  char dir_template[] = "/tmp/stslab-adapter-e2e-XXXXXX";
  if (!mkdtemp(dir_template)) throw std::runtime_error("mkdtemp failed");
  const std::string dir = dir_template;
  // Postfix daemons run as user postfix and must reach their queue below this directory.
  chmod(dir.c_str(), 0755);
  const std::string log = dir + "/child.stderr";
  const int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) throw std::runtime_error("cannot create " + log);

  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(log_fd, 2);
    child_main(dir, domains, body);
  }
  close(log_fd);

  LabChildResult result;
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  pollfd pfd{pidfd, POLLIN, 0};
  if (pidfd < 0 || poll(&pfd, 1, static_cast<int>(timeout.count() * 1000)) <= 0) {
    kill(pid, SIGKILL);
    result.output = "the lab child did not finish within " + std::to_string(timeout.count()) +
                    " s and was killed\n";
  }
  if (pidfd >= 0) close(pidfd);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.output += read_file(log);
  if (result.exit_code == 0) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  } else {
    result.output += "(scratch directory kept: " + dir + ")\n";
  }
  return result;
}

}  // namespace stslab::testing
