// A lab in miniature for the proxy tests: a fake MX (stslab_smtp) as the upstream, the proxy in
// front of it, a journal to read the evidence from, and helpers to run real clients.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "line_client.hpp"
#include "stslab/core/journal.hpp"
#include "stslab/core/pki.hpp"
#include "stslab/mitm/proxy.hpp"
#include "stslab/smtp/server.hpp"
#include "stslab/testing/io_thread.hpp"
#include "stslab/testing/process.hpp"

namespace stslab::mitm::testing {

using tcp = boost::asio::ip::tcp;

class ProxyTest : public ::testing::Test {
 protected:
  static constexpr const char* kMx = "mx1.a.test";
  static constexpr const char* kProxyAddress = "127.0.0.60";
  static constexpr const char* kUpstreamAddress = "127.0.0.61";

  void SetUp() override;
  void TearDown() override;

  // Starts the proxy in front of the fake MX (or `upstream` if given) with `attack`.
  Proxy& start_proxy(const std::string& attack, std::function<void(Options&)> tweak = {});
  tcp::endpoint proxy_endpoint() const { return proxy_->endpoints().front(); }

  // The next mitm event of `kind` matching `pred`, waiting up to 10 s.
  std::optional<core::Event> wait_mitm(const std::string& kind,
                                       std::function<bool(const core::Event&)> pred = {});
  std::vector<core::Event> mitm_events(const std::string& kind) const;
  // Client command lines the fake MX received.
  std::vector<std::string> upstream_commands() const;
  // Waits for the proxy session to end and returns its close event.
  core::Event wait_close();

  // swaks through the proxy; `extra` e.g. {"--tls"}.
  stslab::testing::ProcessResult swaks(const std::vector<std::string>& extra);
  std::string ca_file();  // the lab root, written to a temp file

  core::LabClock clock_;
  core::Journal journal_{clock_};
  core::LabPki pki_{clock_};
  stslab::testing::IoThread io_;
  std::unique_ptr<smtp::SmtpServer> mx_;
  tcp::endpoint mx_endpoint_;
  std::unique_ptr<Proxy> proxy_;
  std::string ca_path_;
};

// A TLS client context that checks nothing (a careless sender).
std::shared_ptr<boost::asio::ssl::context> careless_client_context();

}  // namespace stslab::mitm::testing
