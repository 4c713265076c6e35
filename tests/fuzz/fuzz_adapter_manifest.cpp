// harness: an adapter manifest given with `--adapter FILE`, read the way the registry reads it
// (load_adapter_file: stslab.adapter/2, docs/adapters.md, or one of the older /1 schemas). A
// bad manifest may only throw ManifestError, which names the file.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "stslab/harness/adapters/adapter_file.hpp"

using namespace stslab::harness::adapters;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static stslab::fuzz::ScratchFile file("manifest.yaml");
  const std::string& path = file.write(stslab::fuzz::as_text(data, size));
  try {
    (void)load_adapter_file(path);
  } catch (const ManifestError&) {
  }
  return 0;
}
