// The reader of stslab.adapter/2 (adapter_file.hpp): one pass over the file that collects every
// error, "file:line: field: message", instead of stopping at the first. Private to src/.
//
// The file's `submit` and `status` decide what runs the sender, and so which form its commands
// take: a sender that runs as services (submit by smtp, or a command whose outcome its logs
// tell) has argv lists, like every service; a sender driven by shell command lines (a one-shot
// attempt per submit, or a status command) has shell lines. A command of the other form is an
// error that says which form belongs there.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "command_sections.hpp"
#include "mutant_sections.hpp"
#include "service_sections.hpp"
#include "stslab/harness/adapters/adapter_file.hpp"
#include "stslab/harness/bounded_yaml.hpp"
#include "yaml_fields.hpp"

namespace stslab::harness::adapters {

class AdapterV2Reader : public YamlFields {
 public:
  explicit AdapterV2Reader(const std::string& path)
      : YamlFields(path), services_(path), commands_(path) {}

  AdapterFile read();

 private:
  enum class Drive { services, commands };
  // A capability as the file words it; unset = what the commands make possible.
  struct CapabilityWords {
    std::optional<bool> flush, clear_cache, tls_rpt, mta_sts, faketime;
    void over(const CapabilityWords& more);
  };

  // Runs `read`; a ManifestError (or yaml-cpp's, for a value of the wrong shape) is kept and
  // reading goes on with the next part.
  template <class Read>
  void collect(Read&& read) {
    try {
      read();
    } catch (const ManifestError& e) {
      errors_.push_back(e.what());
    } catch (const YAML::Exception& e) {
      errors_.push_back(describe_yaml_error(path(), e));
    }
  }

  Drive drive(const YAML::Node& root) const;
  CapabilityWords capability_words(const YAML::Node& node, const std::string& where) const;
  // Keys that only the other drive has are errors naming the drive they belong to.
  void refuse(const YAML::Node& root, const std::vector<const char*>& keys,
              const std::string& why) const;

  // Services: argv commands (a list, or {run, stdin_file, format, when}).
  Manifest services_manifest(const YAML::Node& root);
  Command argv_command(const YAML::Node& node, const std::string& where) const;
  void service_commands(const YAML::Node& root, Manifest& m) const;
  void service_targets(const YAML::Node& root, Manifest& m);

  // Commands: shell lines.
  CommandManifest command_manifest(const YAML::Node& root);
  std::string shell_line(const YAML::Node& node, const std::string& where) const;
  void command_submit(const YAML::Node& root, CommandManifest& m) const;
  void command_start(const YAML::Node& root, CommandManifest& m) const;
  void command_commands(const YAML::Node& root, CommandManifest& m) const;
  // status.logs of a sender driven by shell lines: evidence only (no `when`, no mta.delivery).
  std::vector<LogFile> command_logs(const YAML::Node& status);
  void command_targets(const YAML::Node& root, CommandManifest& m);
  std::pair<std::string, YAML::Node> command_site(const YAML::Node& root,
                                                  const std::string& member) const;

  // The targets (title, variables, capabilities over the file's `capabilities:`; `fill` adds
  // what its drive has and decides the capabilities), then the mutants derived from them.
  template <class Target, class Fill>
  void read_targets(const YAML::Node& root, std::map<std::string, Target>& out,
                    std::initializer_list<const char*> keys, Fill&& fill) {
    CapabilityWords defaults;
    collect([&] { defaults = capability_words(root["capabilities"], "capabilities"); });
    const auto targets = root["targets"];
    if (!targets.IsMap() || targets.size() == 0) {
      collect(
          [&] { fail(targets.IsDefined() ? targets : root, "targets: at least one is required"); });
      return;
    }
    for (const auto& kv : targets) {
      collect([&] {
        const auto name = kv.first.as<std::string>();
        const auto where = "targets." + name;
        if (name.find('+') != std::string::npos) {
          fail(kv.first, where + ": '+' is kept for mutants (base+defect)");
        }
        Target t;
        t.name = name;
        auto words = defaults;
        if (!kv.second.IsNull()) {
          only_keys(kv.second, where, keys);
          t.title = optional_scalar(kv.second, "title", where);
          words.over(capability_words(kv.second["capabilities"], where + ".capabilities"));
          t.variables = commands_.string_map(kv.second["variables"], where + ".variables");
        }
        fill(t, words, kv.second, where);
        out[name] = std::move(t);
      });
    }
    if (const auto mutants = root["mutants"]; mutants.IsDefined()) {
      collect([&] { read_mutants(*this, mutants, out); });
    }
  }

  ServiceSections services_;
  CommandSections commands_;
  std::vector<std::string> errors_;
};

}  // namespace stslab::harness::adapters
