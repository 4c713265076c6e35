// stslab.adapter/2, a sender driven by shell command lines (a one-shot attempt per submit, or a
// daemon read through a status command): read into a CommandManifest for CommandAdapter.
#include <filesystem>

#include "adapter_v2_reader.hpp"

namespace stslab::harness::adapters {

namespace fs = std::filesystem;

CommandManifest AdapterV2Reader::command_manifest(const YAML::Node& root) {
  collect([&] {
    refuse(root, {"directories", "templates", "faketime"},
           "only a sender that runs as services (submit: smtp, or a command read from "
           "status.logs) has it so far");
  });
  CommandManifest m;
  m.path = path();
  // Absolute: commands run in the workdir, and {{data_dir}} must still find helper scripts
  // when the manifest was named relative to where stslab started (--adapter examples/...).
  m.dir = fs::absolute(path()).parent_path().string();
  collect([&] { m.title = optional_scalar(root, "title", "manifest"); });
  collect([&] { command_submit(root, m); });
  collect([&] { m.requires_programs = strings(root["requires"], "requires"); });
  collect([&] { m.environment = environment(root["environment"]); });
  collect([&] { command_start(root, m); });
  collect([&] { m.logs = command_logs(root["status"]); });
  collect([&] { command_commands(root, m); });
  collect([&] {
    if (const auto versions = root["versions"]; versions.IsDefined()) {
      if (!versions.IsMap()) fail(versions, "versions: expected a map");
      for (const auto& kv : versions) {
        const auto name = kv.first.as<std::string>();
        m.versions[name] = shell_line(kv.second, "versions." + name);
      }
    }
  });
  collect([&] {
    if (const auto timeout = root["timeout"]; timeout.IsDefined()) {
      m.timeout = commands_.seconds(timeout);
    }
  });
  command_targets(root, m);
  if (errors_.empty()) {
    collect([&] {
      commands_.check_placeholders(
          root, m, [&](const std::string& member) { return command_site(root, member); });
    });
  }
  return m;
}

std::string AdapterV2Reader::shell_line(const YAML::Node& node, const std::string& where) const {
  if (node.IsSequence()) {
    fail(node, where +
                   ": an argv list, but this sender is driven by shell lines (submit: "
                   "oneshot, or status: command): write it as one line");
  }
  const auto line = scalar(node, where);
  if (line.empty()) fail(node, where + ": empty command");
  return line;
}

void AdapterV2Reader::command_submit(const YAML::Node& root, CommandManifest& m) const {
  const auto submit = root["submit"];
  if (submit["oneshot"].IsDefined()) {
    m.submit_mode = SubmitMode::oneshot;
    m.submit = shell_line(submit["oneshot"], "submit.oneshot");
  } else {
    m.submit_mode = SubmitMode::daemon;
    m.submit = shell_line(submit["command"], "submit.command");
  }
  if (submit["stdin_file"].IsDefined()) {
    fail(submit["stdin_file"],
         "submit.stdin_file: a shell line reads the message itself (< {{message}})");
  }
  if (const auto shared = submit["shared_state"]; shared.IsDefined()) {
    m.shared_state = commands_.yes_no(shared, "submit.shared_state");
    if (m.shared_state && m.submit_mode == SubmitMode::daemon) {
      fail(shared, "submit.shared_state: only for a one-shot submit (a daemon has one state)");
    }
  }
  if (const auto status = root["status"]; status.IsDefined() && status["command"].IsDefined()) {
    m.status = shell_line(status["command"], "status.command");
  }
}

// A sender driven by shell lines starts with one line: a set-up step that must exit
// (`prepare: [line]`), or a supervised daemon (`services: [{name, run, ready, stop}]`).
void AdapterV2Reader::command_start(const YAML::Node& root, CommandManifest& m) const {
  const auto prepare = root["prepare"];
  const auto services = root["services"];
  if (prepare.IsDefined() && services.IsDefined()) {
    fail(services,
         "services: a sender driven by shell lines has one start: prepare or a "
         "service, not both");
  }
  if (prepare.IsDefined()) {
    if (!prepare.IsSequence() || prepare.size() != 1) {
      fail(prepare, "prepare: one shell line for a sender driven by shell lines");
    }
    m.start = shell_line(prepare[0], "prepare[0]");
  }
  if (!services.IsDefined()) return;
  if (!services.IsSequence() || services.size() != 1) {
    fail(services, "services: one service (the sender) for a sender driven by shell lines");
  }
  const auto service = services[0];
  only_keys(service, "services[0]", {"name", "run", "ready", "stop"});
  m.start = shell_line(service["run"], "services[0].run");
  if (const auto ready = service["ready"]; ready.IsDefined()) {
    only_keys(ready, "services[0].ready", {"tcp"});
    m.ready_tcp = scalar(ready["tcp"], "services[0].ready.tcp");
  }
  if (service["stop"].IsDefined()) m.stop = shell_line(service["stop"], "services[0].stop");
}

void AdapterV2Reader::command_commands(const YAML::Node& root, CommandManifest& m) const {
  if (m.submit_mode == SubmitMode::daemon && m.status.empty()) {
    fail(root["submit"], "submit.command: a daemon sender needs status.command");
  }
  const auto commands = root["commands"];
  if (!commands.IsDefined()) return;
  only_keys(commands, "commands", {"flush", "queue", "clear_cache", "report", "dns_records"});
  refuse(commands, {"queue"},
         "a sender driven by shell lines answers for its queue through status.command (or the "
         "one-shot answers)");
  for (auto [key, line] : {std::pair{"flush", &m.flush},
                           {"clear_cache", &m.clear_cache},
                           {"report", &m.report},
                           {"dns_records", &m.dns_records}}) {
    if (commands[key].IsDefined())
      *line = shell_line(commands[key], std::string("commands.") + key);
  }
}

std::vector<LogFile> AdapterV2Reader::command_logs(const YAML::Node& status) {
  if (!status.IsDefined() || !status["logs"].IsDefined()) return {};
  const auto logs = status["logs"];
  auto files = services_.log_files(logs, "status.logs");
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto where = "status.logs[" + std::to_string(i) + "]";
    if (!files[i].when.empty()) {
      collect([&] {
        fail(logs[i]["when"],
             where + ".when: a sender driven by shell lines has no target features");
      });
    }
    for (std::size_t j = 0; j < files[i].rules.size(); ++j) {
      if (files[i].rules[j].kind != "mta.delivery") continue;
      collect([&] {
        fail(logs[i]["rules"][j]["kind"],
             where + ".rules[" + std::to_string(j) +
                 "].kind: mta.delivery comes from the status command or the one-shot attempt "
                 "here; log rules of a sender driven by shell lines add mta.tls, mta.policy, ...");
      });
    }
  }
  return files;
}

void AdapterV2Reader::command_targets(const YAML::Node& root, CommandManifest& m) {
  read_targets(
      root, m.targets, {"title", "capabilities", "variables"},
      [&](CommandTarget& t, const CapabilityWords& words, const YAML::Node&, const std::string&) {
        // What the commands make possible, unless the file says otherwise: flushing a
        // one-shot sender re-runs submit, so it always can; a daemon needs the command.
        const bool oneshot = m.submit_mode == SubmitMode::oneshot;
        t.faketime = words.faketime.value_or(false);
        t.capabilities.flush = words.flush.value_or(oneshot || !m.flush.empty());
        t.capabilities.clear_cache = words.clear_cache.value_or(!m.clear_cache.empty());
        t.capabilities.report_flush = !m.report.empty();
        t.capabilities.time_control = t.faketime;
        t.capabilities.tls_rpt = words.tls_rpt.value_or(false);
        t.capabilities.mta_sts = words.mta_sts.value_or(false);
      });
}

namespace {

// node[key] for a node that may be absent: yaml-cpp throws when an absent (zombie) node is
// asked its type or indexed, while IsDefined() answers false for it.
YAML::Node child(const YAML::Node& node, const std::string& key) {
  return node.IsDefined() && node.IsMap() ? node[key] : YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node first(const YAML::Node& node) {
  return node.IsDefined() && node.IsSequence() && node.size() > 0
             ? node[0]
             : YAML::Node(YAML::NodeType::Undefined);
}

}  // namespace

std::pair<std::string, YAML::Node> AdapterV2Reader::command_site(const YAML::Node& root,
                                                                 const std::string& member) const {
  const auto submit = root["submit"];
  const auto service = first(root["services"]);
  if (member == "submit") {
    const char* key = child(submit, "oneshot").IsDefined() ? "oneshot" : "command";
    return {std::string("submit.") + key, child(submit, key)};
  }
  if (member == "status") return {"status.command", child(root["status"], "command")};
  if (member == "start") {
    if (root["prepare"].IsDefined()) return {"prepare[0]", first(root["prepare"])};
    return {"services[0].run", child(service, "run")};
  }
  if (member == "stop") return {"services[0].stop", child(service, "stop")};
  if (member == "ready_tcp") {
    return {"services[0].ready.tcp", child(child(service, "ready"), "tcp")};
  }
  return {"commands." + member, child(root["commands"], member)};
}

}  // namespace stslab::harness::adapters
