// load_adapter_file (any schema) and the parts of the stslab.adapter/2 reader both drives share:
// which drive the file asks for, its capability words, keys that belong to the other drive.
#include "stslab/harness/adapters/adapter_file.hpp"

#include <algorithm>
#include <stdexcept>

#include "adapter_v2_reader.hpp"
#include "stslab/harness/bounded_yaml.hpp"

namespace stslab::harness::adapters {
// "" makes the reader of the schema the file is taken for name the problem.
std::string adapter_schema(const std::string& path) {
  try {
    const auto documents = load_bounded_yaml(path);
    if (documents.size() != 1 || !documents.front().IsMap()) return "";
    const auto schema = documents.front()["schema"];
    return schema.IsDefined() && schema.IsScalar() ? schema.as<std::string>() : "";
  } catch (const std::exception&) {
    return "";
  }
}

void AdapterV2Reader::CapabilityWords::over(const CapabilityWords& more) {
  for (auto [mine, theirs] : {std::pair{&flush, &more.flush},
                              {&clear_cache, &more.clear_cache},
                              {&tls_rpt, &more.tls_rpt},
                              {&mta_sts, &more.mta_sts},
                              {&faketime, &more.faketime}}) {
    if (theirs->has_value()) *mine = *theirs;
  }
}

AdapterFile AdapterV2Reader::read() {
  const YAML::Node root = load();
  schema(root, kAdapterSchema);
  collect([&] {
    only_keys(root, "manifest",
              {"schema", "title", "requires", "directories", "templates", "environment", "faketime",
               "prepare", "services", "submit", "status", "commands", "versions", "timeout",
               "capabilities", "targets", "mutants"});
  });
  AdapterFile file{path(), kAdapterSchema, Manifest{}};
  std::optional<Drive> how;
  collect([&] { how = drive(root); });
  if (how == Drive::services) file.runner = services_manifest(root);
  if (how == Drive::commands) file.runner = command_manifest(root);
  if (!errors_.empty()) {
    std::string all;
    for (const auto& e : errors_)
      all += (all.empty() ? "" : "\n") + e;
    throw ManifestError(all);
  }
  return file;
}

AdapterV2Reader::Drive AdapterV2Reader::drive(const YAML::Node& root) const {
  const auto submit = root["submit"];
  if (!submit.IsDefined()) fail(root, "submit: required (smtp, command or oneshot)");
  only_keys(submit, "submit", {"smtp", "command", "oneshot", "stdin_file", "shared_state"});
  const int ways =
      submit["smtp"].IsDefined() + submit["command"].IsDefined() + submit["oneshot"].IsDefined();
  if (ways != 1) fail(submit, "submit: give exactly one of smtp, command and oneshot");
  const auto status = root["status"];
  if (status.IsDefined()) {
    only_keys(status, "status", {"logs", "command"});
    if (!status["logs"].IsDefined() && !status["command"].IsDefined()) {
      fail(status, "status: give logs, command or both");
    }
  }
  const bool status_command = status.IsDefined() && status["command"].IsDefined();
  // A one-shot attempt answers for itself; status.logs beside it (or beside status.command)
  // are the sender's log lines as evidence.
  if (submit["oneshot"].IsDefined()) return Drive::commands;
  if (submit["smtp"].IsDefined() && status_command) {
    fail(status["command"],
         "status.command: a sender handed mail by smtp is read from its logs "
         "(status.logs)");
  }
  return status_command ? Drive::commands : Drive::services;
}

AdapterV2Reader::CapabilityWords AdapterV2Reader::capability_words(const YAML::Node& node,
                                                                   const std::string& where) const {
  CapabilityWords words;
  if (!node.IsDefined()) return words;
  only_keys(node, where, {"flush", "clear_cache", "time_control", "tls_rpt", "mta_sts"});
  for (auto [key, word] : {std::pair{"flush", &words.flush},
                           {"clear_cache", &words.clear_cache},
                           {"tls_rpt", &words.tls_rpt},
                           {"mta_sts", &words.mta_sts}}) {
    if (node[key].IsDefined()) *word = commands_.yes_no(node[key], where + "." + key);
  }
  if (const auto tc = node["time_control"]; tc.IsDefined()) {
    const auto value = scalar(tc, where + ".time_control");
    if (value != "none" && value != "faketime") {
      fail(tc, where + ".time_control: expected none or faketime");
    }
    words.faketime = value == "faketime";
  }
  return words;
}

void AdapterV2Reader::refuse(const YAML::Node& root, const std::vector<const char*>& keys,
                             const std::string& why) const {
  for (const char* key : keys) {
    if (root[key].IsDefined()) fail(root[key], std::string(key) + ": " + why);
  }
}

AdapterFile load_adapter_v2(const std::string& path) {
  return AdapterV2Reader(path).read();
}

AdapterFile load_adapter_file(const std::string& path) {
  const auto schema = adapter_schema(path);
  if (schema == "stslab.command-adapter/1") {
    return {path, schema, load_command_manifest(path)};
  }
  if (schema == "stslab.adapter/1") return {path, schema, load_manifest(path)};
  try {
    return load_adapter_v2(path);
  } catch (const YAML::Exception& e) {
    throw ManifestError(describe_yaml_error(path, e));
  }
}

std::vector<std::string> AdapterFile::targets(bool with_mutants) const {
  std::vector<std::string> names;
  std::visit(
      [&](const auto& runner) {
        for (const auto& [name, t] : runner.targets) {
          if (with_mutants || t.mutant_of.empty()) names.push_back(name);
        }
      },
      runner);
  return names;  // from a std::map: sorted
}

}  // namespace stslab::harness::adapters
