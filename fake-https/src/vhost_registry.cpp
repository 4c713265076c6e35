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

void VhostRegistry::put(VhostSnapshot entry) {
  const std::string key = normalize_host(entry->config.name);
  std::unique_lock lock(mutex_);
  for (const auto& [name, other] : by_name_) {
    if (name == key) continue;
    for (const auto& owned : other->config.addresses) {
      for (const auto& wanted : entry->config.addresses) {
        if (owned == wanted) {
          throw std::invalid_argument("address " + wanted.to_string() + " of vhost '" +
                                      entry->config.name + "' is already owned by vhost '" +
                                      other->config.name + "'");
        }
      }
    }
  }
  by_name_[key] = std::move(entry);
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
