#include "vhost_registry.hpp"

#include <mutex>
#include <stdexcept>

#include "stslab/https/names.hpp"

namespace stslab::https {

VhostSnapshot VhostRegistry::find(std::string_view name) const {
  const std::string key = normalize_host(name);
  std::shared_lock lock(mutex_);
  const auto it = by_name_.find(key);
  return it == by_name_.end() ? nullptr : it->second;
}

VhostSnapshot VhostRegistry::find_by_address(const boost::asio::ip::address& address) const {
  std::shared_lock lock(mutex_);
  for (const auto& [name, entry] : by_name_) {
    for (const auto& owned : entry->config.addresses) {
      if (owned == address) return entry;
    }
  }
  return nullptr;
}

namespace {

// Throws std::invalid_argument if a vhost of `vhosts` other than `entry`'s name owns one of
// `entry`'s addresses.
void check_addresses(const std::map<std::string, VhostSnapshot, std::less<>>& vhosts,
                     const std::string& key, const VhostEntry& entry) {
  for (const auto& [name, other] : vhosts) {
    if (name == key) continue;
    for (const auto& owned : other->config.addresses) {
      for (const auto& wanted : entry.config.addresses) {
        if (owned == wanted) {
          throw std::invalid_argument("address " + wanted.to_string() + " of vhost '" +
                                      entry.config.name + "' is already owned by vhost '" +
                                      other->config.name + "'");
        }
      }
    }
  }
}

}  // namespace

void VhostRegistry::put(VhostSnapshot entry) {
  const std::string key = normalize_host(entry->config.name);
  std::unique_lock lock(mutex_);
  check_addresses(by_name_, key, *entry);
  by_name_[key] = std::move(entry);
}

void VhostRegistry::replace(const std::vector<std::string>& remove,
                            std::vector<VhostSnapshot> put) {
  std::unique_lock lock(mutex_);
  // Built aside and swapped in: readers see the set before or the set after, and a clash
  // leaves the set before.
  auto next = by_name_;
  for (const auto& name : remove)
    next.erase(normalize_host(name));
  for (auto& entry : put) {
    const std::string key = normalize_host(entry->config.name);
    check_addresses(next, key, *entry);
    next[key] = std::move(entry);
  }
  by_name_.swap(next);
}

bool VhostRegistry::remove(std::string_view name) {
  const std::string key = normalize_host(name);
  std::unique_lock lock(mutex_);
  return by_name_.erase(key) > 0;
}

bool VhostRegistry::update(std::string_view name, const std::function<bool(VhostEntry&)>& change) {
  const std::string key = normalize_host(name);
  std::unique_lock lock(mutex_);
  const auto it = by_name_.find(key);
  if (it == by_name_.end()) throw std::out_of_range("no vhost named '" + std::string(name) + "'");
  auto copy = std::make_shared<VhostEntry>(*it->second);
  if (!change(*copy)) return false;
  it->second = std::move(copy);
  return true;
}

std::vector<std::string> VhostRegistry::names() const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [name, entry] : by_name_)
    out.push_back(entry->config.name);
  return out;
}

}  // namespace stslab::https
