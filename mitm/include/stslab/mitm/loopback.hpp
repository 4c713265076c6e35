// The proxy's safety rule: it only ever listens on and connects to loopback addresses, so a
// misconfigured lab can never turn it into an attacker on a real network.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <string_view>

namespace stslab::mitm {

// 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104.
bool is_loopback(const boost::asio::ip::address& address);

// Throws std::invalid_argument naming `what` and the address unless it is loopback.
void require_loopback(const boost::asio::ip::tcp::endpoint& endpoint, std::string_view what);

}  // namespace stslab::mitm
