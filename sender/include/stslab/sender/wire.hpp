// One TCP connection, plaintext first and TLS after start_tls(), where every network step
// (connect, write, read, handshake) has its own deadline. The sender is one process for one
// message, so the calls block: each runs the private io_context until the step completes or
// its time is up, and a step that times out closes the connection.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace stslab::sender {

class Wire {
 public:
  using tcp = boost::asio::ip::tcp;
  using TlsStream = boost::asio::ssl::stream<tcp::socket&>;

  explicit Wire(std::chrono::milliseconds step_timeout);
  ~Wire();
  Wire(const Wire&) = delete;
  Wire& operator=(const Wire&) = delete;

  boost::system::error_code connect(const tcp::endpoint& to);
  // Writes all of `bytes` (through TLS once it is active).
  boost::system::error_code write(std::string_view bytes);
  // Appends what arrives (at least one byte) to `into`.
  boost::system::error_code read_some(std::string& into);
  // TLS client handshake on the connection; `sni` empty = no SNI. The peer's certificate is not
  // judged here (verify mode none): callers check it with cert_check so that every failure gets
  // its own name.
  boost::system::error_code start_tls(boost::asio::ssl::context& ctx, const std::string& sni);
  void close();

  bool tls_active() const { return tls_ != nullptr; }
  SSL* ssl() { return tls_ ? tls_->native_handle() : nullptr; }
  TlsStream& tls_stream() { return *tls_; }
  std::string local_address() const;
  std::string remote_address() const;

  // Runs one asynchronous operation to completion or to the step deadline. `start` receives a
  // completion handler taking (error_code) or (error_code, std::size_t).
  template <class Start>
  boost::system::error_code run(Start&& start, std::size_t* transferred = nullptr) {
    std::optional<boost::system::error_code> outcome;
    std::size_t count = 0;
    io_.restart();
    start(Completion{&outcome, &count});
    io_.run_for(step_timeout_);
    if (!outcome) {
      // Out of time: closing the socket makes the pending operation finish (aborted); run the
      // io_context dry so no handler outlives this frame.
      abort();
      io_.restart();
      io_.run();
      return boost::asio::error::timed_out;
    }
    if (transferred) *transferred = count;
    return *outcome;
  }

 private:
  struct Completion {
    std::optional<boost::system::error_code>* outcome;
    std::size_t* count;
    void operator()(boost::system::error_code ec) const { *outcome = ec; }
    void operator()(boost::system::error_code ec, std::size_t n) const {
      *outcome = ec;
      *count = n;
    }
    template <class Endpoint>
    void operator()(boost::system::error_code ec, const Endpoint&) const {
      *outcome = ec;
    }
  };
  void abort();

  std::chrono::milliseconds step_timeout_;
  boost::asio::io_context io_;
  tcp::socket socket_;
  std::unique_ptr<TlsStream> tls_;
};

}  // namespace stslab::sender
