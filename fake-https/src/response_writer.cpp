#include "response_writer.hpp"

#include <algorithm>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <span>
#include <vector>

#include "stslab/core/tls.hpp"

namespace stslab::https {
namespace {

namespace http = beast::http;

constexpr std::size_t default_chunk = 16 * 1024;
constexpr std::size_t filler_line = 64;  // 63 'x' then '\n'

bool status_has_no_body(unsigned status) {
  return status / 100 == 1 || status == 204 || status == 304;
}

http::response<http::empty_body> make_head(const Response& r, bool keep_alive) {
  http::response<http::empty_body> head;
  head.version(11);
  head.result(r.status);
  if (http::int_to_status(r.status) == http::status::unknown) head.reason("Scripted");
  for (const auto& [name, value] : r.headers)
    head.insert(name, value);
  if (!r.location.empty()) head.set(http::field::location, r.location);
  const bool framed = head.find(http::field::content_length) != head.end() ||
                      head.find(http::field::transfer_encoding) != head.end();
  if (!framed && !status_has_no_body(r.status)) head.content_length(r.content_length());
  head.keep_alive(keep_alive);
  return head;
}

std::string describe(const boost::system::error_code& ec) {
  if (ec == beast::error::timeout) return "write timeout";
  return core::describe_tls_error(ec);
}

}  // namespace

void body_bytes_at(const Response& r, std::size_t offset, std::span<char> out) {
  for (char& c : out) {
    if (offset < r.body.size()) {
      c = r.body[offset];
    } else {
      const std::size_t filler_pos = offset - r.body.size();
      c = filler_pos % filler_line == filler_line - 1 ? '\n' : 'x';
    }
    ++offset;
  }
}

net::awaitable<WriteOutcome> write_response(TlsStream& stream, Pacer& pacer, const Response& r,
                                            WriteParams params) {
  WriteOutcome out;
  auto& tcp = beast::get_lowest_layer(stream);
  boost::system::error_code ec;

  if (!co_await pacer.wait(r.delay)) {
    out.error = "server stopping";
    co_return out;
  }

  auto head = make_head(r, params.keep_alive);
  http::response_serializer<http::empty_body> serializer(head);
  tcp.expires_after(params.write_timeout);
  co_await http::async_write_header(stream, serializer,
                                    net::redirect_error(net::use_awaitable, ec));
  if (ec) {
    out.error = describe(ec);
    co_return out;
  }
  out.header_sent = true;

  const bool no_body = params.head_request || status_has_no_body(r.status);
  const std::size_t total = no_body ? 0 : r.content_length();
  const std::size_t stop_at =
      r.close_after_body_bytes ? std::min(*r.close_after_body_bytes, total) : total;
  const bool trickling = r.trickle.chunk_bytes > 0;
  const std::size_t chunk_size = trickling ? r.trickle.chunk_bytes : default_chunk;
  std::vector<char> chunk(std::min(chunk_size, std::max<std::size_t>(stop_at, 1)));

  while (out.body_bytes_sent < stop_at) {
    if (trickling && out.body_bytes_sent > 0 && !co_await pacer.wait(r.trickle.interval)) {
      out.error = "server stopping";
      co_return out;
    }
    const std::size_t n = std::min(chunk.size(), stop_at - out.body_bytes_sent);
    body_bytes_at(r, out.body_bytes_sent, std::span(chunk.data(), n));
    tcp.expires_after(params.write_timeout);
    const std::size_t written = co_await net::async_write(
        stream, net::buffer(chunk.data(), n), net::redirect_error(net::use_awaitable, ec));
    out.body_bytes_sent += written;
    if (ec) {
      out.error = describe(ec);
      co_return out;
    }
  }
  tcp.expires_never();
  out.cut_short = stop_at < total;
  out.completed = !out.cut_short;
  co_return out;
}

}  // namespace stslab::https
