#include "stslab/sender/wire.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace stslab::sender {

namespace asio = boost::asio;

Wire::Wire(std::chrono::milliseconds step_timeout) : step_timeout_(step_timeout), socket_(io_) {}

Wire::~Wire() {
  close();
}

boost::system::error_code Wire::connect(const tcp::endpoint& to) {
  return run([&](auto handler) { socket_.async_connect(to, handler); });
}

boost::system::error_code Wire::write(std::string_view bytes) {
  if (!socket_.is_open()) return asio::error::not_connected;
  const auto buffer = asio::buffer(bytes.data(), bytes.size());
  if (tls_) return run([&](auto handler) { asio::async_write(*tls_, buffer, handler); });
  return run([&](auto handler) { asio::async_write(socket_, buffer, handler); });
}

boost::system::error_code Wire::read_some(std::string& into) {
  if (!socket_.is_open()) return asio::error::not_connected;
  char chunk[4096];
  std::size_t n = 0;
  const auto buffer = asio::buffer(chunk);
  boost::system::error_code ec;
  if (tls_) {
    ec = run([&](auto handler) { tls_->async_read_some(buffer, handler); }, &n);
  } else {
    ec = run([&](auto handler) { socket_.async_read_some(buffer, handler); }, &n);
  }
  into.append(chunk, n);
  return ec;
}

boost::system::error_code Wire::start_tls(asio::ssl::context& ctx, const std::string& sni) {
  if (!socket_.is_open()) return asio::error::not_connected;
  tls_ = std::make_unique<TlsStream>(socket_, ctx);
  tls_->set_verify_mode(asio::ssl::verify_none);
  if (!sni.empty()) SSL_set_tlsext_host_name(tls_->native_handle(), sni.c_str());
  return run([&](auto handler) { tls_->async_handshake(asio::ssl::stream_base::client, handler); });
}

std::string Wire::local_address() const {
  boost::system::error_code ec;
  auto ep = socket_.local_endpoint(ec);
  return ec ? std::string() : ep.address().to_string();
}

std::string Wire::remote_address() const {
  boost::system::error_code ec;
  auto ep = socket_.remote_endpoint(ec);
  return ec ? std::string() : ep.address().to_string();
}

void Wire::abort() {
  boost::system::error_code ignored;
  socket_.cancel(ignored);
  socket_.close(ignored);
}

void Wire::close() {
  abort();
  tls_.reset();
}

}  // namespace stslab::sender
