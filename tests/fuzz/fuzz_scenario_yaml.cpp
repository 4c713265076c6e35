// harness: a scenario file as `stslab lint` and `stslab run` read it (docs/scenario-format.md),
// against the catalog's own base worlds; and the same bytes as a base world file. Every mistake
// must come back as an error with file and line, never as an exception.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "scenario_reader.hpp"
#include "world_library.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static stslab::fuzz::ScratchFile scenario("scenario.yaml");
  static stslab::fuzz::ScratchFile world("fuzz.yaml");
  const auto text = stslab::fuzz::as_text(data, size);

  stslab::harness::detail::WorldLibrary worlds(STSLAB_SOURCE_DIR "/scenarios/worlds");
  const auto result = stslab::harness::detail::read_scenario_file(scenario.write(text), worlds);
  for (const auto& error : result.errors)
    (void)error.what();
  if (result.scenario) (void)result.scenario->domain();

  stslab::harness::detail::WorldLibrary own(world.dir());
  world.write(text);
  (void)own.find("fuzz");
  return 0;
}
