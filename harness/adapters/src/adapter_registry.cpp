// make_adapter / adapter_names (adapter.hpp): every target of every manifest under data_root().
#include <set>
#include <stdexcept>

#include "stslab/harness/adapter.hpp"
#include "stslab/harness/adapters/manifest_adapter.hpp"

namespace stslab::harness {

std::unique_ptr<MtaAdapter> make_adapter(const std::string& name) {
  for (const auto& path : adapters::manifest_paths()) {
    auto manifest = adapters::load_manifest(path);
    if (manifest.targets.count(name)) {
      return std::make_unique<adapters::ManifestAdapter>(std::move(manifest), name);
    }
  }
  std::string known;
  for (const auto& n : adapter_names())
    known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument(
      "unknown MTA '" + name +
      "' (known: " + (known.empty() ? "none found under " + adapters::data_root() : known) + ")");
}

std::vector<std::string> adapter_names() {
  std::set<std::string> names;
  for (const auto& path : adapters::manifest_paths()) {
    for (const auto& [name, target] : adapters::load_manifest(path).targets)
      names.insert(name);
  }
  return {names.begin(), names.end()};
}

}  // namespace stslab::harness
