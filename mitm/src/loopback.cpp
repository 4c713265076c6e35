#include "stslab/mitm/loopback.hpp"

#include <sstream>
#include <stdexcept>

namespace stslab::mitm {

bool is_loopback(const boost::asio::ip::address& address) {
  if (address.is_v4()) return (address.to_v4().to_uint() >> 24) == 127;
  const auto v6 = address.to_v6();
  if (v6.is_loopback()) return true;
  return v6.is_v4_mapped() &&
         (boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_uint() >> 24) == 127;
}

void require_loopback(const boost::asio::ip::tcp::endpoint& endpoint, std::string_view what) {
  if (is_loopback(endpoint.address())) return;
  std::ostringstream msg;
  msg << "mitm refuses " << what << " " << endpoint
      << ": only loopback addresses (127.0.0.0/8, ::1) are allowed, so the attacker can never "
         "reach a real network";
  throw std::invalid_argument(msg.str());
}

}  // namespace stslab::mitm
