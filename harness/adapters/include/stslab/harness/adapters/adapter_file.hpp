// Any adapter manifest, whatever its schema, read into what runs it.
//
// stslab.adapter/2 is the one schema to write (docs/adapters.md): its `submit` says how a
// message is handed over (smtp, a command, or a one-shot attempt) and its `status` how the lab
// learns what became of it (log rules, a status command, or the one-shot's own answer). From
// that the reader picks the runner: a sender that runs as services and is read from its logs
// becomes a Manifest (ManifestAdapter), one driven by shell command lines a CommandManifest
// (CommandAdapter). The stslab.adapter/1 and stslab.command-adapter/1 files keep loading into
// the same two.
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "stslab/harness/adapter.hpp"
#include "stslab/harness/adapters/command_manifest.hpp"
#include "stslab/harness/adapters/manifest.hpp"

namespace stslab::harness::adapters {

inline constexpr const char* kAdapterSchema = "stslab.adapter/2";

struct AdapterFile {
  std::string path;
  std::string schema;  // as the file says
  std::variant<Manifest, CommandManifest> runner;

  // The targets it defines, sorted; `with_mutants`: those made by `mutants:` too.
  std::vector<std::string> targets(bool with_mutants) const;
  // Throws std::invalid_argument for a target it does not define.
  std::unique_ptr<MtaAdapter> make(const std::string& target) const;
};

// Reads and checks a manifest of any of the three schemas. load_manifest() and
// load_command_manifest() read a stslab.adapter/2 file too, when it reads into theirs. Throws
// ManifestError; for stslab.adapter/2 it names every error it found, one "file:line: field:
// message" per line.
AdapterFile load_adapter_file(const std::string& path);

// Reads a stslab.adapter/2 manifest (load_adapter_file() for any schema).
AdapterFile load_adapter_v2(const std::string& path);

// The file's `schema` line; "" when it does not parse to a map with one.
std::string adapter_schema(const std::string& path);

}  // namespace stslab::harness::adapters
