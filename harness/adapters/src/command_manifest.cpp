#include "stslab/harness/adapters/command_manifest.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <regex>

#include "command_sections.hpp"
#include "stslab/harness/adapters/adapter_file.hpp"
#include "stslab/harness/adapters/template.hpp"
#include "stslab/harness/adapters/waits.hpp"
#include "stslab/harness/bounded_yaml.hpp"

namespace stslab::harness::adapters {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSchema = "stslab.command-adapter/1";

// Reads one stslab.command-adapter/1 manifest; every error names the file, the line and the key.
class Reader : public CommandSections {
 public:
  using CommandSections::CommandSections;

  CommandManifest manifest() const {
    const YAML::Node root = load();
    schema(root, kSchema);
    only_keys(root, "manifest",
              {"schema", "title", "submit_mode", "requires", "capabilities", "environment",
               "commands", "versions", "timeout", "targets", "mutants", "shared_state"});
    CommandManifest m;
    m.path = path();
    // Absolute: commands run in the workdir, and {{data_dir}} must still find helper scripts
    // when the manifest was named relative to where stslab started (--adapter examples/...).
    m.dir = fs::absolute(path()).parent_path().string();
    m.title = optional_scalar(root, "title", "manifest");
    read_submit_mode(root, m);
    m.requires_programs = strings(root["requires"], "requires");
    m.environment = environment(root["environment"]);
    if (!root["commands"].IsDefined()) fail(root, "commands: required (at least 'submit')");
    commands(root["commands"], m);
    if (m.submit_mode == SubmitMode::daemon && m.status.empty()) {
      fail(root["commands"],
           "commands: a daemon sender needs 'status' to tell what became of "
           "a message");
    }
    if (!m.ready_tcp.empty() && m.start.empty()) {
      fail(root["commands"], "commands.start: 'ready' without a command");
    }
    m.versions = string_map(root["versions"], "versions");
    if (const auto timeout = root["timeout"]; timeout.IsDefined()) m.timeout = seconds(timeout);

    read_targets(root, m);
    if (const auto mutant_node = root["mutants"]; mutant_node.IsDefined()) {
      mutants(mutant_node, m);
    }
    check_placeholders(root, m, [&](const std::string& member) {
      if (member == "ready_tcp") {
        return std::pair{std::string("commands.start.ready.tcp"),
                         YAML::Node(root["commands"]["start"]["ready"]["tcp"])};
      }
      return std::pair{"commands." + member, YAML::Node(root["commands"])};
    });
    return m;
  }
};

}  // namespace

bool is_command_manifest(const std::string& path) {
  try {
    const auto documents = load_bounded_yaml(path);
    if (documents.size() != 1 || !documents.front().IsMap()) return false;
    const auto& root = documents.front();
    const auto schema = root["schema"];
    return schema.IsDefined() && schema.IsScalar() && schema.as<std::string>() == kSchema;
  } catch (const std::exception&) {  // YAML or YamlLoadError: load_command_manifest says which
    return false;
  }
}

CommandManifest load_command_manifest(const std::string& path) {
  if (adapter_schema(path) == kAdapterSchema) {
    auto file = load_adapter_v2(path);
    if (auto* m = std::get_if<CommandManifest>(&file.runner)) return std::move(*m);
    throw ManifestError(path + ": its sender runs as services (a Manifest)");
  }
  try {
    return Reader(path).manifest();
  } catch (const YAML::Exception& e) {
    // A value of the wrong shape deep inside (a map where a string belongs, ...).
    throw ManifestError(describe_yaml_error(path, e));
  }
}

}  // namespace stslab::harness::adapters
