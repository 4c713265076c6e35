#include "stslab/mitm/attack_registry.hpp"

#include <algorithm>
#include <stdexcept>

namespace stslab::mitm {

AttackRegistry& AttackRegistry::instance() {
  static AttackRegistry* registry = [] {
    auto* r = new AttackRegistry;  // never destroyed: sessions may outlive static teardown
    register_builtin_attacks(*r);
    return r;
  }();
  return *registry;
}

void AttackRegistry::add(std::string name, std::string summary, AttackFactory factory) {
  std::lock_guard lock(mutex_);
  entries_[std::move(name)] = Entry{std::move(summary), std::move(factory), std::nullopt};
}

void AttackRegistry::add(const AttackSchema& schema, AttackFactory factory) {
  std::lock_guard lock(mutex_);
  entries_[schema.name] = Entry{schema.summary, std::move(factory), schema};
}

std::string AttackRegistry::check(const AttackSpec& spec) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(spec.name);
  if (it == entries_.end()) {
    std::string known;
    for (const auto& [name, entry] : entries_)
      known += (known.empty() ? "" : ", ") + name;
    return "unknown attack '" + spec.name + "' (known: " + known + ")";
  }
  return it->second.schema ? check_attack_params(*it->second.schema, spec.params) : "";
}

std::shared_ptr<const Attack> AttackRegistry::create(const AttackSpec& spec,
                                                     const AttackEnv& env) const {
  if (const auto problem = check(spec); !problem.empty()) throw std::invalid_argument(problem);
  AttackFactory factory;
  {
    std::lock_guard lock(mutex_);
    factory = entries_.at(spec.name).factory;
  }
  return factory(spec, env);
}

std::vector<std::string> AttackRegistry::names() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [name, entry] : entries_)
    out.push_back(name);
  return out;
}

std::string AttackRegistry::summary(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(name);
  return it == entries_.end() ? "" : it->second.summary;
}

void require_known_params(const AttackSpec& spec, const std::vector<std::string>& allowed) {
  for (const auto& [key, value] : spec.params) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string known;
    for (const auto& a : allowed)
      known += (known.empty() ? "" : ", ") + a;
    throw std::invalid_argument("attack '" + spec.name + "' has no parameter '" + key +
                                "' (known: " + (known.empty() ? "none" : known) + ")");
  }
}

std::string param_or(const AttackSpec& spec, const std::string& key, std::string fallback) {
  auto it = spec.params.find(key);
  return it == spec.params.end() ? std::move(fallback) : it->second;
}

}  // namespace stslab::mitm
