// The stream every session speaks: TLS over a Beast tcp_stream (which gives per-operation
// deadlines through expires_after).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace stslab::https {

namespace net = boost::asio;
namespace beast = boost::beast;

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

}  // namespace stslab::https
