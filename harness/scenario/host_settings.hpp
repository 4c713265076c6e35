// The host settings and faults a scenario file can give the fakes beyond the world's own fields,
// one registry per host kind (toxiproxy's shape: each entry is a key, the form of its value and
// what it does; its reader parses the value once, at load time, into the change it makes to the
// fake's own configuration struct). The loader validates against these tables with file:line
// errors; the world applier only runs the changes. docs/scenario-format.md "Host settings and
// faults" has one row per entry (a test checks it). Adding one is an entry here, a row there
// and a test.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stslab/https/vhost.hpp"
#include "stslab/smtp/vhost.hpp"
#include "yaml_reader.hpp"

namespace stslab::harness::detail {

template <class Target>
struct HostSetting {
  std::string_view key;
  std::string_view form;  // the value's form, as docs and errors show it
  std::string_view doc;   // what it does, one line
  // The change the value makes, or nullopt after recording an error at `field`.
  std::optional<std::function<void(Target&)>> (*read)(const YAML::Node& value,
                                                      const std::string& field, Diagnostics& diag);
};

// `policy_host:` settings: changes to the policy host's https::VirtualHost (its routes built).
const std::vector<HostSetting<https::VirtualHost>>& policy_host_settings();
// `mx: {label: ...}` settings: changes to the MX's smtp::Vhost.
const std::vector<HostSetting<smtp::Vhost>>& mx_settings();

template <class Target>
const HostSetting<Target>* find_setting(const std::vector<HostSetting<Target>>& table,
                                        std::string_view key) {
  for (const auto& s : table) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

// The world's own keys followed by those of a host settings registry.
template <class Target>
std::vector<std::string_view> keys_with(std::vector<std::string_view> own,
                                        const std::vector<HostSetting<Target>>& table) {
  for (const auto& s : table)
    own.push_back(s.key);
  return own;
}

// A registry key of a host: its change stored under the key (replacing an earlier one), or
// dropped for null (back to the fake's default). False if `key` is not in the registry.
template <class Target>
bool read_host_setting(std::map<std::string, std::function<void(Target&)>>& settings,
                       const std::vector<HostSetting<Target>>& table, const std::string& key,
                       const YAML::Node& value, const std::string& field, Diagnostics& diag) {
  const HostSetting<Target>* setting = find_setting(table, key);
  if (setting == nullptr) return false;
  if (value.IsNull()) {
    settings.erase(key);
  } else if (auto change = setting->read(value, field, diag)) {
    settings[key] = std::move(*change);
  }
  return true;
}

}  // namespace stslab::harness::detail
