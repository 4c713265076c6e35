// A spec's keys as one table (name -> reader): the keys a scenario map may hold and how each
// is read come from the same row, so the allowed-key list and the readers cannot drift apart.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <vector>

#include "yaml_reader.hpp"

namespace stslab::harness::detail {

template <class Spec>
struct SpecKey {
  std::string_view name;
  // Reads `value` (at `field`) into the spec; records what is wrong in `diag`.
  void (*read)(Spec& spec, const YAML::Node& value, const std::string& field, Diagnostics& diag);
};

template <class Spec>
std::vector<std::string_view> key_names(const std::vector<SpecKey<Spec>>& table) {
  std::vector<std::string_view> names;
  for (const auto& k : table)
    names.push_back(k.name);
  return names;
}

template <class Spec>
const SpecKey<Spec>* find_key(const std::vector<SpecKey<Spec>>& table, std::string_view name) {
  for (const auto& k : table) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

// Every entry of `map` whose key is in `table`, read in the file's order (check_map reports the
// others). Returns false when the entry's key is not in the table, for a caller with more.
template <class Spec>
bool read_key(Spec& spec, const std::vector<SpecKey<Spec>>& table, const std::string& key,
              const YAML::Node& value, const std::string& field, Diagnostics& diag) {
  const SpecKey<Spec>* k = find_key(table, key);
  if (k == nullptr) return false;
  k->read(spec, value, field, diag);
  return true;
}

}  // namespace stslab::harness::detail
