#include "dns_test_support.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace dnstest {

namespace asio = boost::asio;
using stslab::dns::Endpoint;
using stslab::dns::PktPtr;

PktPtr make_query_pkt(const std::string& name, ldns_rr_type type, const QueryOptions& options) {
  ldns_rdf* qname = ldns_dname_new_frm_str(name.c_str());
  EXPECT_NE(qname, nullptr) << name;
  PktPtr pkt(ldns_pkt_query_new(qname, type, LDNS_RR_CLASS_IN, options.rd ? LDNS_RD : 0));
  ldns_pkt_set_id(pkt.get(), options.id);
  if (options.edns_udp_size) {
    ldns_pkt_set_edns_udp_size(pkt.get(), *options.edns_udp_size);
    ldns_pkt_set_edns_version(pkt.get(), options.edns_version);
  }
  return pkt;
}

Bytes make_query(const std::string& name, ldns_rr_type type, const QueryOptions& options) {
  return wire(make_query_pkt(name, type, options).get());
}

Bytes wire(const ldns_pkt* pkt) {
  return stslab::dns::to_wire(pkt);
}

PktPtr parse(const Bytes& bytes) {
  ldns_status status = LDNS_STATUS_OK;
  PktPtr pkt = stslab::dns::from_wire(bytes, status);
  EXPECT_TRUE(pkt) << "reply does not parse: " << ldns_get_errorstr_by_id(status);
  return pkt;
}

namespace {
std::vector<std::string> section(const ldns_rr_list* list) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < ldns_rr_list_rr_count(list); ++i)
    out.push_back(stslab::dns::to_string(ldns_rr_list_rr(list, i)));
  return out;
}
}  // namespace

std::vector<std::string> answers(const ldns_pkt* reply) {
  return section(ldns_pkt_answer(reply));
}
std::vector<std::string> authority(const ldns_pkt* reply) {
  return section(ldns_pkt_authority(reply));
}

std::optional<Bytes> udp_exchange(const Endpoint& server, std::span<const std::uint8_t> message,
                                  std::chrono::milliseconds timeout) {
  asio::io_context io;
  asio::ip::udp::socket socket(io, asio::ip::udp::endpoint(server.address, 0));
  socket.send_to(asio::buffer(message.data(), message.size()),
                 asio::ip::udp::endpoint(server.address, server.port));
  Bytes buffer(65536);
  std::optional<Bytes> reply;
  asio::ip::udp::endpoint from;
  socket.async_receive_from(asio::buffer(buffer), from,
                            [&](boost::system::error_code ec, std::size_t size) {
                              if (!ec) reply.emplace(buffer.begin(), buffer.begin() + size);
                            });
  io.run_for(timeout);
  return reply;
}

struct UdpClient::Impl {
  asio::io_context io;
  asio::ip::udp::socket socket{io};
  asio::ip::udp::endpoint server;
};

UdpClient::UdpClient(const Endpoint& server) : impl_(std::make_unique<Impl>()) {
  impl_->server = asio::ip::udp::endpoint(server.address, server.port);
  impl_->socket.open(impl_->server.protocol());
  impl_->socket.bind(asio::ip::udp::endpoint(server.address, 0));
}

UdpClient::~UdpClient() = default;

void UdpClient::send(std::span<const std::uint8_t> message) {
  impl_->socket.send_to(asio::buffer(message.data(), message.size()), impl_->server);
}

std::optional<Bytes> UdpClient::receive(std::chrono::milliseconds timeout) {
  Bytes buffer(65536);
  std::optional<boost::system::error_code> result;
  std::size_t size = 0;
  asio::ip::udp::endpoint from;
  impl_->socket.async_receive_from(asio::buffer(buffer), from,
                                   [&](boost::system::error_code ec, std::size_t n) {
                                     result = ec;
                                     size = n;
                                   });
  impl_->io.restart();
  impl_->io.run_for(timeout);
  if (!result) {
    impl_->socket.cancel();
    impl_->io.restart();
    impl_->io.run();
    return std::nullopt;
  }
  if (*result) return std::nullopt;
  buffer.resize(size);
  return buffer;
}

Bytes frame(std::span<const std::uint8_t> message) {
  Bytes out(2 + message.size());
  ldns_write_uint16(out.data(), static_cast<std::uint16_t>(message.size()));
  std::copy(message.begin(), message.end(), out.begin() + 2);
  return out;
}

struct TcpClient::Impl {
  asio::io_context io;
  asio::ip::tcp::socket socket{io};

  // Reads exactly `size` bytes within `timeout`; on failure reports the error.
  boost::system::error_code read_exact(std::uint8_t* data, std::size_t size,
                                       std::chrono::milliseconds timeout) {
    std::optional<boost::system::error_code> result;
    asio::async_read(socket, asio::buffer(data, size),
                     [&](boost::system::error_code ec, std::size_t) { result = ec; });
    io.restart();
    io.run_for(timeout);
    if (!result) {
      socket.cancel();
      io.restart();
      io.run();
      return asio::error::timed_out;
    }
    return *result;
  }
};

TcpClient::TcpClient(const Endpoint& server) : impl_(std::make_unique<Impl>()) {
  impl_->socket.connect(asio::ip::tcp::endpoint(server.address, server.port));
}

TcpClient::~TcpClient() = default;

void TcpClient::send_raw(std::span<const std::uint8_t> bytes) {
  asio::write(impl_->socket, asio::buffer(bytes.data(), bytes.size()));
}

void TcpClient::send_frame(std::span<const std::uint8_t> message) {
  send_raw(frame(message));
}

void TcpClient::shutdown_send() {
  impl_->socket.shutdown(asio::ip::tcp::socket::shutdown_send);
}

std::optional<Bytes> TcpClient::read_frame(std::chrono::milliseconds timeout) {
  std::uint8_t prefix[2];
  if (impl_->read_exact(prefix, 2, timeout)) return std::nullopt;
  Bytes message(ldns_read_uint16(prefix));
  if (impl_->read_exact(message.data(), message.size(), timeout)) return std::nullopt;
  return message;
}

bool TcpClient::closed_by_peer(std::chrono::milliseconds timeout) {
  std::uint8_t byte = 0;
  const auto ec = impl_->read_exact(&byte, 1, timeout);
  return ec == asio::error::eof || ec == asio::error::connection_reset;
}

ServerTest::ServerTest(const char* address) : address_(address) {}

ServerTest::~ServerTest() {
  server_.reset();
  io_.stop();
}

void ServerTest::start(stslab::dns::ServerOptions options) {
  options.endpoints = {{asio::ip::make_address(address_), 0}};
  server_ = std::make_unique<stslab::dns::DnsServer>(io_.io(), journal_, zone_, options);
  const auto bound = server_->start();
  ASSERT_EQ(bound.size(), 1u);
  endpoint_ = bound[0];
  ASSERT_NE(endpoint_.port, 0);
}

std::optional<stslab::core::Event> ServerTest::wait_event(const std::string& kind,
                                                          std::uint64_t after_seq) {
  return journal_.wait_for([&](const stslab::core::Event& e) { return e.kind == kind; },
                           std::chrono::steady_clock::now() + 5s, after_seq);
}

}  // namespace dnstest
