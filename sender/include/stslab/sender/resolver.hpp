// DNS lookups for the sender through ldns: TXT, MX and A, following CNAME chains. By default
// the servers of /etc/resolv.conf; tests (and `--dns`) name one server explicitly.
#pragma once

#include <boost/asio/ip/address_v4.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace stslab::sender {

enum class DnsStatus {
  ok,        // the name has records of the type
  nodata,    // the name exists, without records of the type
  nxdomain,  // the name does not exist
  error,     // SERVFAIL, REFUSED, timeout, malformed answer
};

template <class T>
struct DnsResult {
  DnsStatus status = DnsStatus::error;
  std::vector<T> records;
  std::string detail;  // for error: what went wrong
};

struct MxRecord {
  std::uint16_t preference = 0;
  std::string host;  // lowercase, no trailing dot; "" for the null MX "."
};

class Resolver {
 public:
  // `server` is "" (resolv.conf), "HOST" or "HOST:PORT" ("[v6]:PORT" for IPv6).
  // Throws std::invalid_argument for a malformed server and std::runtime_error when resolv.conf
  // cannot be read.
  Resolver(const std::string& server, std::chrono::milliseconds timeout);
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // Each TXT record with its character-strings joined with no separator (§3.1).
  DnsResult<std::string> txt(const std::string& name);
  DnsResult<MxRecord> mx(const std::string& name);
  DnsResult<boost::asio::ip::address_v4> a(const std::string& name);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stslab::sender
