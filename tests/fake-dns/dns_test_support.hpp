// Test helpers for fake-dns: queries built and replies parsed with ldns, a UDP exchange and a
// TCP client with deadlines, and a fixture that runs a DnsServer on its own io thread.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "stslab/core/clock.hpp"
#include "stslab/core/journal.hpp"
#include "stslab/dns/ldns_handles.hpp"
#include "stslab/dns/server.hpp"
#include "stslab/dns/zone.hpp"
#include "stslab/testing/io_thread.hpp"

namespace dnstest {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

struct QueryOptions {
  std::uint16_t id = 4242;
  bool rd = true;
  std::optional<std::uint16_t> edns_udp_size;  // adds an OPT record
  std::uint8_t edns_version = 0;
};

// A query packet (ldns), to tweak before serializing.
stslab::dns::PktPtr make_query_pkt(const std::string& name, ldns_rr_type type,
                                   const QueryOptions& options = {});
Bytes make_query(const std::string& name, ldns_rr_type type, const QueryOptions& options = {});
Bytes wire(const ldns_pkt* pkt);
// Parses a reply; fails the test (and returns null) if ldns cannot parse it.
stslab::dns::PktPtr parse(const Bytes& wire);

// The answer section, one presentation-format string per record.
std::vector<std::string> answers(const ldns_pkt* reply);
std::vector<std::string> authority(const ldns_pkt* reply);

// Sends one datagram and waits up to `timeout` for one back.
std::optional<Bytes> udp_exchange(const stslab::dns::Endpoint& server,
                                  std::span<const std::uint8_t> message,
                                  std::chrono::milliseconds timeout = 2s);

// A UDP client socket that can send several datagrams and read the replies in turn.
class UdpClient {
 public:
  explicit UdpClient(const stslab::dns::Endpoint& server);
  ~UdpClient();
  UdpClient(const UdpClient&) = delete;
  UdpClient& operator=(const UdpClient&) = delete;

  void send(std::span<const std::uint8_t> message);
  std::optional<Bytes> receive(std::chrono::milliseconds timeout = 2s);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class TcpClient {
 public:
  explicit TcpClient(const stslab::dns::Endpoint& server);
  ~TcpClient();
  TcpClient(const TcpClient&) = delete;
  TcpClient& operator=(const TcpClient&) = delete;

  void send_raw(std::span<const std::uint8_t> bytes);
  void send_frame(std::span<const std::uint8_t> message);  // 2-byte length prefix (ldns) + message
  void shutdown_send();  // half-close: the server sees end of stream
  std::optional<Bytes> read_frame(std::chrono::milliseconds timeout = 2s);
  // True if the server closes the connection (EOF or reset) within `timeout`.
  bool closed_by_peer(std::chrono::milliseconds timeout = 2s);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Frames `message` for TCP: ldns writes the 2-byte length.
Bytes frame(std::span<const std::uint8_t> message);

class ServerTest : public ::testing::Test {
 protected:
  explicit ServerTest(const char* address = "127.0.53.1");
  ~ServerTest() override;

  // Starts the server on this fixture's address, port 0.
  void start(stslab::dns::ServerOptions options = {});

  // The next event of `kind` after `after_seq`, waiting up to 5 s.
  std::optional<stslab::core::Event> wait_event(const std::string& kind,
                                                std::uint64_t after_seq = 0);

  stslab::core::LabClock clock_;
  stslab::core::Journal journal_{clock_};
  stslab::dns::Zone zone_;
  stslab::testing::IoThread io_;
  std::unique_ptr<stslab::dns::DnsServer> server_;
  stslab::dns::Endpoint endpoint_;
  std::string address_;
};

}  // namespace dnstest
