#include "smtp_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace stslab::smtp::testing {

namespace asio = boost::asio;
using asio::ip::tcp;

bool ClientReply::has_line(const std::string& text) const {
  for (const auto& l : lines) {
    if (l == text) return true;
  }
  return false;
}

TestClient::TestClient(const tcp::endpoint& server, std::optional<asio::ip::address> local)
    : socket_(io_) {
  socket_.open(server.protocol());
  if (local) socket_.bind(tcp::endpoint(*local, 0));
  auto ec = run([&](auto done) { socket_.async_connect(server, [done](auto e) { done(e, 0); }); },
                ms(5000));
  if (ec) throw std::runtime_error("connect: " + ec.message());
}

template <class Start>
boost::system::error_code TestClient::run(Start start, ms timeout, std::size_t* n) {
  std::optional<boost::system::error_code> result;
  std::size_t bytes = 0;
  start([&](boost::system::error_code ec, std::size_t count) {
    result = ec;
    bytes = count;
  });
  io_.restart();
  io_.run_for(timeout);
  if (!result) {
    // Deadline: abort the operation and let its handler run.
    boost::system::error_code ignored;
    socket_.cancel(ignored);
    io_.restart();
    io_.run();
    throw std::runtime_error("timed out waiting for the server");
  }
  if (n) *n = bytes;
  return *result;
}

void TestClient::send(std::string_view bytes) {
  auto ec = run(
      [&](auto done) {
        if (tls_) {
          asio::async_write(*tls_, asio::buffer(bytes), done);
        } else {
          asio::async_write(socket_, asio::buffer(bytes), done);
        }
      },
      ms(5000));
  if (ec) throw std::runtime_error("send: " + ec.message());
}

bool TestClient::read_more(ms timeout) {
  char chunk[8192];
  std::size_t n = 0;
  auto ec = run(
      [&](auto done) {
        if (tls_) {
          tls_->async_read_some(asio::buffer(chunk), done);
        } else {
          socket_.async_read_some(asio::buffer(chunk), done);
        }
      },
      timeout, &n);
  buffer_.append(chunk, n);
  return !ec;
}

ClientReply TestClient::read_reply(ms timeout) {
  ClientReply reply;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto lf = buffer_.find("\r\n");
    if (lf == std::string::npos) {
      const auto left = std::chrono::duration_cast<ms>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) throw std::runtime_error("timed out waiting for a reply");
      if (!read_more(left)) throw std::runtime_error("connection closed before a reply");
      continue;
    }
    const std::string line = buffer_.substr(0, lf);
    buffer_.erase(0, lf + 2);
    if (line.size() < 3) throw std::runtime_error("bad reply line: " + line);
    reply.code = std::stoi(line.substr(0, 3));
    reply.lines.push_back(line.size() > 4 ? line.substr(4) : "");
    if (line.size() == 3 || line[3] == ' ') return reply;
  }
}

ClientReply TestClient::command(const std::string& line) {
  send(line + "\r\n");
  return read_reply();
}

std::string TestClient::start_tls(asio::ssl::context& ctx, const std::string& sni) {
  tls_.emplace(socket_, ctx);
  if (!sni.empty()) SSL_set_tlsext_host_name(tls_->native_handle(), sni.c_str());
  auto ec = run(
      [&](auto done) {
        tls_->async_handshake(asio::ssl::stream_base::client,
                              [done](boost::system::error_code e) { done(e, 0); });
      },
      ms(5000));
  return ec ? ec.message() : "";
}

std::string TestClient::read_until_closed(ms timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<ms>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error("timed out waiting for the server to close");
    if (!read_more(left)) return std::exchange(buffer_, {});
  }
}

void TestClient::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace stslab::smtp::testing
