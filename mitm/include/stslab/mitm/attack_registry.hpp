// The attack registry (toxiproxy style): every attack registers a factory under its name; the
// proxy creates attacks by name. Built-in attacks are registered explicitly by
// register_builtin_attacks() rather than by static initialisers, which a static library would
// silently drop at link time.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "stslab/core/pki.hpp"
#include "stslab/mitm/attack.hpp"
#include "stslab/mitm/attack_params.hpp"

namespace stslab::mitm {

// What a factory may use to build its attack.
struct AttackEnv {
  const core::LabPki& pki;
  std::string proxy_name;  // the MX the proxy fronts, e.g. "mx1.a.test"
};

using AttackFactory =
    std::function<std::shared_ptr<const Attack>(const AttackSpec&, const AttackEnv&)>;

class AttackRegistry {
 public:
  // The process-wide registry, with the built-in attacks already registered.
  static AttackRegistry& instance();

  // Adds (or replaces) an attack. `summary` is one line for listings and error messages. Its
  // factory checks the parameters itself.
  void add(std::string name, std::string summary, AttackFactory factory);
  // Adds an attack whose parameters `schema` declares: create() and check() hold every spec to
  // it before the factory runs.
  void add(const AttackSchema& schema, AttackFactory factory);
  // "" if `spec` names a known attack with parameters its schema accepts; otherwise what is
  // wrong (the proxy's create() throws the same words).
  std::string check(const AttackSpec& spec) const;
  // Builds an attack; throws std::invalid_argument for an unknown name (listing the known ones)
  // or for parameters the attack rejects.
  std::shared_ptr<const Attack> create(const AttackSpec& spec, const AttackEnv& env) const;

  std::vector<std::string> names() const;  // sorted
  std::string summary(const std::string& name) const;

 private:
  struct Entry {
    std::string summary;
    AttackFactory factory;
    std::optional<AttackSchema> schema;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

void register_builtin_attacks(AttackRegistry& registry);

// For factories: throws std::invalid_argument if `spec` has a parameter not in `allowed`.
void require_known_params(const AttackSpec& spec, const std::vector<std::string>& allowed);
// The parameter's value, or `fallback` when absent.
std::string param_or(const AttackSpec& spec, const std::string& key, std::string fallback);

}  // namespace stslab::mitm
