// A blocking SMTP client for tests that need to see raw bytes (what a real MTA would hide):
// every operation has a deadline, so a misbehaving proxy fails the test instead of hanging it.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

namespace stslab::mitm::testing {

class LineClient {
 public:
  using tcp = boost::asio::ip::tcp;

  explicit LineClient(const tcp::endpoint& server,
                      std::chrono::milliseconds deadline = std::chrono::seconds(10))
      : deadline_(deadline), socket_(io_) {
    boost::system::error_code ec;
    bool done = false;
    socket_.async_connect(server, [&](boost::system::error_code e) {
      ec = e;
      done = true;
    });
    run_until(done, "connect");
    if (ec) throw std::runtime_error("connect: " + ec.message());
  }

  // Reads one complete SMTP reply; returns its lines joined with CRLF (final CRLF included).
  std::string read_reply() {
    std::string reply;
    for (;;) {
      std::string line = read_line();
      reply += line + "\r\n";
      if (line.size() < 4 || line[3] != '-') return reply;
    }
  }

  // The next line without CRLF; throws on EOF or deadline.
  std::string read_line() {
    for (;;) {
      if (auto lf = buffer_.find('\n'); lf != std::string::npos) {
        std::string line = buffer_.substr(0, lf);
        buffer_.erase(0, lf + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
      }
      if (!read_some()) throw std::runtime_error("connection closed while reading a line");
    }
  }

  // Appends what arrives to buffer(); false on EOF or error.
  bool read_some() {
    char chunk[8192];
    boost::system::error_code ec;
    std::size_t n = 0;
    bool done = false;
    auto handler = [&](boost::system::error_code e, std::size_t got) {
      ec = e;
      n = got;
      done = true;
    };
    if (tls_) {
      tls_->async_read_some(boost::asio::buffer(chunk), handler);
    } else {
      socket_.async_read_some(boost::asio::buffer(chunk), handler);
    }
    run_until(done, "read");
    if (ec) {
      last_error_ = ec;
      return false;
    }
    buffer_.append(chunk, n);
    return true;
  }

  // Reads until the peer closes (true) or sends more data than `limit` (false).
  bool wait_for_close(std::size_t limit = 1 << 20) {
    while (buffer_.size() <= limit) {
      if (!read_some()) return true;
    }
    return false;
  }

  void send(const std::string& bytes) {
    boost::system::error_code ec;
    bool done = false;
    auto handler = [&](boost::system::error_code e, std::size_t) {
      ec = e;
      done = true;
    };
    if (tls_) {
      boost::asio::async_write(*tls_, boost::asio::buffer(bytes), handler);
    } else {
      boost::asio::async_write(socket_, boost::asio::buffer(bytes), handler);
    }
    run_until(done, "write");
    if (ec) throw std::runtime_error("write: " + ec.message());
  }

  // Sends `line` + CRLF and returns the reply.
  std::string command(const std::string& line) {
    send(line + "\r\n");
    return read_reply();
  }

  // Starts TLS over the connection. Whatever plaintext is still buffered is discarded (the
  // STARTTLS rule). Returns the handshake error, if any.
  boost::system::error_code start_tls(boost::asio::ssl::context& ctx, const std::string& sni) {
    buffer_.clear();
    tls_.emplace(socket_, ctx);
    if (!sni.empty()) SSL_set_tlsext_host_name(tls_->native_handle(), sni.c_str());
    boost::system::error_code ec;
    bool done = false;
    tls_->async_handshake(boost::asio::ssl::stream_base::client, [&](boost::system::error_code e) {
      ec = e;
      done = true;
    });
    run_until(done, "TLS handshake");
    return ec;
  }

  std::string& buffer() { return buffer_; }
  boost::system::error_code last_error() const { return last_error_; }
  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

 private:
  void run_until(bool& done, const char* what) {
    io_.restart();
    io_.run_for(deadline_);
    if (!done) {
      close();
      io_.restart();
      io_.run();
      throw std::runtime_error(std::string(what) + ": deadline passed");
    }
  }

  std::chrono::milliseconds deadline_;
  boost::asio::io_context io_;
  tcp::socket socket_;
  std::optional<boost::asio::ssl::stream<tcp::socket&>> tls_;
  std::string buffer_;
  boost::system::error_code last_error_;
};

}  // namespace stslab::mitm::testing
