// The fixture every fake-https test uses: a lab clock, journal and PKI, an io_context on its own
// thread, and an HttpsServer started on loopback addresses with ephemeral ports. Also runs curl
// and openssl against it.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "stslab/core/journal.hpp"
#include "stslab/core/pki.hpp"
#include "stslab/https/server.hpp"
#include "stslab/testing/io_thread.hpp"
#include "stslab/testing/process.hpp"
#include "tls_client.hpp"

namespace stslab::https::test {

boost::asio::ip::address addr(const char* text);

struct CurlResult {
  int exit_code = -1;
  bool timed_out = false;
  nlohmann::json info;  // curl's -w '%{json}' (http_code, content_type, size_download, ...)
  std::string body;
  std::string err;
  std::chrono::steady_clock::duration elapsed{};
};

class HttpsLab : public ::testing::Test {
 protected:
  HttpsLab();
  ~HttpsLab() override;

  // Starts the server on each address with an ephemeral port; returns the bound endpoints.
  std::vector<tcp::endpoint> start(std::vector<const char*> addresses, Options options = {});
  // A vhost serving `policy` at /.well-known/mta-sts.txt as text/plain.
  static VirtualHost policy_vhost(const std::string& name, std::vector<const char*> addresses,
                                  const std::string& policy = default_policy);

  // curl -q -sS --noproxy '*' --cacert <lab root> --resolve host:port:ip <extra...> URL
  CurlResult curl(const std::string& host, const tcp::endpoint& at, const std::string& path,
                  std::vector<std::string> extra = {});
  // openssl s_client against `at` (no SNI unless `sni` given); the leaf it was shown, as PEM.
  testing::ProcessResult s_client(const tcp::endpoint& at, const std::string& sni,
                                  std::vector<std::string> extra = {});
  static std::string first_certificate_pem(const std::string& s_client_output);

  // Waits (bounded) for an event of `kind` that `pred` accepts.
  std::optional<core::Event> wait_event(
      const std::string& kind, const std::function<bool(const core::Event&)>& pred = nullptr,
      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::vector<core::Event> events(const std::string& kind) const;

  ClientConfig client_for(const std::string& host) const;  // SNI + verify against the lab root

  static constexpr const char* default_policy =
      "version: STSv1\nmode: enforce\nmx: mx1.a.test\nmax_age: 86400\n";

  core::LabClock clock;
  core::Journal journal{clock};
  core::LabPki pki{clock};
  testing::IoThread io;
  std::unique_ptr<HttpsServer> server;
  std::filesystem::path dir;  // per-test scratch directory
  std::string ca_file;        // the lab root, for curl --cacert
};

#define STSLAB_REQUIRE_PROGRAM(name)                                                   \
  do {                                                                                 \
    if (!::stslab::testing::have_program(name)) GTEST_SKIP() << name " not installed"; \
  } while (0)

}  // namespace stslab::https::test
