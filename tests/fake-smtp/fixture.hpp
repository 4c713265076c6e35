// The lab pieces a fake-smtp socket test needs: clock, journal, PKI, an io thread and a server,
// plus helpers to wait for journal events and to run a good delivery.
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>

#include "smtp_client.hpp"
#include "stslab/core/journal.hpp"
#include "stslab/core/pki.hpp"
#include "stslab/smtp/server.hpp"
#include "stslab/testing/io_thread.hpp"

namespace stslab::smtp::testing {

using boost::asio::ip::make_address;
using boost::asio::ip::tcp;

inline std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  std::string out;
  char buf[3];
  for (unsigned int i = 0; i < len; ++i) {
    snprintf(buf, sizeof buf, "%02x", digest[i]);
    out += buf;
  }
  return out;
}

// A vhost named `name` listening on `address`, ephemeral port.
inline Vhost make_vhost(const std::string& name, const std::string& address) {
  Vhost v;
  v.name = name;
  v.listen = {tcp::endpoint(make_address(address), 0)};
  return v;
}

class SmtpServerFixture : public ::testing::Test {
 protected:
  ~SmtpServerFixture() override {
    if (server) server->stop();
    io.stop();
  }

  // Starts a server with these options; returns the first bound endpoint.
  tcp::endpoint start(SmtpServer::Options options) {
    server = std::make_unique<SmtpServer>(io.io(), journal, pki, std::move(options));
    auto eps = server->start();
    EXPECT_FALSE(eps.empty());
    return eps.empty() ? tcp::endpoint() : eps.front();
  }
  // One vhost "mx1.a.test" on 127.0.0.`octet`, changed by `tweak`.
  tcp::endpoint start_one(const std::string& address,
                          const std::function<void(Vhost&)>& tweak = {}) {
    SmtpServer::Options o;
    o.vhosts.push_back(make_vhost("mx1.a.test", address));
    if (tweak) tweak(o.vhosts.back());
    return start(std::move(o));
  }

  // Waits (up to 10 s) for an event of `kind` after `after_seq` that satisfies `pred`.
  core::Event wait_event(const std::string& kind,
                         const std::function<bool(const core::Event&)>& pred = {},
                         std::uint64_t after_seq = 0) {
    auto e = journal.wait_for(
        [&](const core::Event& ev) { return ev.kind == kind && (!pred || pred(ev)); },
        std::chrono::steady_clock::now() + std::chrono::seconds(10), after_seq);
    if (!e) throw std::runtime_error("no journal event " + kind);
    return *e;
  }
  // The smtp.session.close event of the session whose open event had peer `peer`.
  core::Event wait_close_of(const TestClient& client) {
    const auto local = client.local_endpoint();
    const std::string peer = local.address().to_string() + ":" + std::to_string(local.port());
    auto open = wait_event("smtp.session.open",
                           [&](const core::Event& e) { return e.data["peer"] == peer; });
    const auto id = open.data["session"];
    return wait_event("smtp.session.close",
                      [&](const core::Event& e) { return e.data["session"] == id; });
  }

  // A complete plaintext delivery; returns the stored message. Fails the test if anything
  // goes wrong, which is how bad-input tests show the server still serves.
  StoredMessage deliver_ok(const tcp::endpoint& ep, const std::string& rcpt = "ok@a.test") {
    TestClient c(ep);
    EXPECT_EQ(c.read_reply().code, 220);
    EXPECT_EQ(c.command("EHLO client.test").code, 250);
    EXPECT_EQ(c.command("MAIL FROM:<s@client.test>").code, 250);
    EXPECT_EQ(c.command("RCPT TO:<" + rcpt + ">").code, 250);
    EXPECT_EQ(c.command("DATA").code, 354);
    auto done = c.command("Subject: ok\r\n\r\nfine\r\n.");
    EXPECT_EQ(done.code, 250);
    EXPECT_EQ(c.command("QUIT").code, 221);
    const std::string queue_id =
        done.lines.empty() ? "" : done.lines[0].substr(done.lines[0].rfind(' ') + 1);
    wait_event("smtp.message",
               [&](const core::Event& e) { return e.data["queue_id"] == queue_id; });
    for (const auto& m : server->messages()) {
      if (m.queue_id == queue_id) return m;
    }
    ADD_FAILURE() << "message " << queue_id << " not stored";
    return {};
  }

  // root.pem in a fresh temporary directory (for real clients).
  std::string write_root_pem() {
    auto dir = std::filesystem::temp_directory_path() /
               ("stslab-smtp-" + std::to_string(::getpid()) + "-" + std::to_string(++files_));
    std::filesystem::create_directories(dir);
    temp_dirs_.push_back(dir);
    const auto path = dir / "root.pem";
    std::ofstream(path) << pki.root_ca_pem();
    return path.string();
  }
  void TearDown() override {
    for (const auto& d : temp_dirs_)
      std::filesystem::remove_all(d);
  }

  core::LabClock clock;
  core::Journal journal{clock};
  core::LabPki pki{clock};
  stslab::testing::IoThread io;
  std::unique_ptr<SmtpServer> server;

 private:
  int files_ = 0;
  std::vector<std::filesystem::path> temp_dirs_;
};

}  // namespace stslab::smtp::testing
