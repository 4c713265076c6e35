// stslab.adapter/2, a sender that runs as services (submit by smtp, or a command whose outcome
// its logs tell): read into a Manifest for ManifestAdapter. Commands are argv lists.
#include <filesystem>

#include "adapter_v2_reader.hpp"

namespace stslab::harness::adapters {

namespace fs = std::filesystem;

Manifest AdapterV2Reader::services_manifest(const YAML::Node& root) {
  collect([&] {
    refuse(root, {"requires", "timeout"},
           "only a sender driven by shell lines (submit: oneshot, or status: command) has it");
  });
  Manifest m;
  m.path = path();
  m.dir = fs::path(path()).parent_path().string();
  collect([&] { services_.setup(root, m); });
  collect([&] {
    const auto submit = root["submit"];
    if (submit["smtp"].IsDefined()) {
      m.submit.smtp = scalar(submit["smtp"], "submit.smtp");
    } else {
      m.submit = argv_command(submit["command"], "submit.command");
    }
    m.submit.stdin_file = optional_scalar(submit, "stdin_file", "submit");
    if (submit["shared_state"].IsDefined()) {
      fail(submit["shared_state"], "submit.shared_state: only for a one-shot submit");
    }
  });
  collect([&] {
    if (const auto status = root["status"]; status.IsMap()) {
      m.logs = services_.log_files(status["logs"], "status.logs");
    }
  });
  collect([&] { service_commands(root, m); });
  service_targets(root, m);
  return m;
}

Command AdapterV2Reader::argv_command(const YAML::Node& node, const std::string& where) const {
  if (node.IsScalar()) {
    fail(node, where +
                   ": a shell line, but this sender runs as services (submit: smtp, or a "
                   "command read from status.logs): write an argv list such as [postqueue, -f]");
  }
  if (node.IsSequence()) {
    Command c;
    c.run = services_.argv(node, where);
    return c;
  }
  return services_.command(node, where);
}

void AdapterV2Reader::service_commands(const YAML::Node& root, Manifest& m) const {
  const auto commands = root["commands"];
  if (!commands.IsDefined()) fail(root, "commands: required (flush and queue)");
  only_keys(commands, "commands", {"flush", "queue", "clear_cache", "report", "dns_records"});
  refuse(commands, {"report", "dns_records"},
         "only a sender driven by shell lines (submit: oneshot, or status: command) has it so "
         "far");
  for (const char* required : {"flush", "queue"}) {
    if (!commands[required].IsDefined()) {
      fail(commands, std::string("commands: '") + required + "' is required");
    }
  }
  m.flush = argv_command(commands["flush"], "commands.flush");
  m.queue = argv_command(commands["queue"], "commands.queue");
  if (m.queue.format != "postqueue-json") {
    fail(commands["queue"], "commands.queue.format: the known formats are: postqueue-json");
  }
  if (commands["clear_cache"].IsDefined()) {
    m.clear_cache = argv_command(commands["clear_cache"], "commands.clear_cache");
  }
  if (const auto versions = root["versions"]; versions.IsDefined()) {
    if (!versions.IsMap()) fail(versions, "versions: expected a map");
    for (const auto& kv : versions) {
      const auto name = kv.first.as<std::string>();
      m.versions[name] = argv_command(kv.second, "versions." + name);
    }
  }
}

void AdapterV2Reader::service_targets(const YAML::Node& root, Manifest& m) {
  read_targets(root, m.targets, {"title", "features", "capabilities", "variables"},
               [&](Target& t, const CapabilityWords& words, const YAML::Node& node,
                   const std::string& where) {
                 if (!node.IsNull()) t.features = strings(node["features"], where + ".features");
                 // What the commands make possible, unless the file says otherwise.
                 const bool can_clear = m.clear_cache && t.has(m.clear_cache->when);
                 t.capabilities.flush = words.flush.value_or(true);
                 t.capabilities.clear_cache = words.clear_cache.value_or(can_clear);
                 t.capabilities.time_control = words.faketime.value_or(false);
                 t.capabilities.tls_rpt = words.tls_rpt.value_or(false);
                 t.capabilities.mta_sts = words.mta_sts.value_or(false);
               });
}

}  // namespace stslab::harness::adapters
