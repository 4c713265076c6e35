// harness: an adapter manifest given with `--adapter FILE`, read the way the registry reads it:
// a command manifest (schema stslab.command-adapter/1, docs/adapters.md) or a template manifest.
// A bad manifest may only throw ManifestError, which names the file.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "stslab/harness/adapters/command_manifest.hpp"
#include "stslab/harness/adapters/manifest.hpp"

using namespace stslab::harness::adapters;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static stslab::fuzz::ScratchFile file("manifest.yaml");
  const std::string& path = file.write(stslab::fuzz::as_text(data, size));
  try {
    if (is_command_manifest(path)) {
      (void)load_command_manifest(path);
    } else {
      (void)load_manifest(path);
    }
  } catch (const ManifestError&) {
  }
  return 0;
}
