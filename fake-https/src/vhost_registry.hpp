// The virtual hosts, shared between the harness (writers) and the sessions (readers). Entries
// are immutable snapshots replaced whole on every change, so a session can keep using the one it
// picked while the harness edits the next.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "stslab/core/pki.hpp"
#include "stslab/https/vhost.hpp"

namespace stslab::https {

struct VhostEntry {
  VirtualHost config;
  core::Credential credential;                         // what the vhost presents
  std::shared_ptr<boost::asio::ssl::context> context;  // built from credential and config.tls
};
using VhostSnapshot = std::shared_ptr<const VhostEntry>;

class VhostRegistry {
 public:
  // Case-insensitive, trailing dot ignored. Null if unknown.
  VhostSnapshot find(std::string_view name) const;
  VhostSnapshot find_by_address(const boost::asio::ip::address& address) const;
  // Adds or replaces by name. Throws std::invalid_argument if another vhost owns one of its
  // addresses.
  void put(VhostSnapshot entry);
  bool remove(std::string_view name);
  // Removes the entries named in `remove`, then adds or replaces those in `put`, in one step.
  // Throws std::invalid_argument on an address clash, changing nothing.
  void replace(const std::vector<std::string>& remove, std::vector<VhostSnapshot> put);
  // Copies the entry, lets `change` edit the copy, and stores it. Throws std::out_of_range for an
  // unknown name. `change` returns false to leave the entry as it was.
  bool update(std::string_view name, const std::function<bool(VhostEntry&)>& change);
  std::vector<std::string> names() const;

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, VhostSnapshot, std::less<>> by_name_;  // key: normalised name
};

}  // namespace stslab::https
