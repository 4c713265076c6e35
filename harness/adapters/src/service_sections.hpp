// Reading the sections of a manifest that runs its sender as services: shared by the two
// schemas that have them (stslab.adapter/1, stslab.adapter/2). Private to src/.
#pragma once

#include <yaml-cpp/yaml.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "stslab/core/events/catalog.hpp"
#include "stslab/harness/adapters/manifest.hpp"
#include "yaml_fields.hpp"

namespace stslab::harness::adapters {

// The sections of a manifest that runs an MTA as services (directories, templates, services,
// argv commands, log rules, targets): stslab.adapter/1 and the service-driven form of
// stslab.adapter/2 read them alike. Every error names the file, the line and the key.
class ServiceSections : public YamlFields {
 public:
  using YamlFields::YamlFields;

  Argv argv(const YAML::Node& node, const std::string& where) const {
    auto out = strings(node, where);
    if (node.IsDefined() && out.empty()) fail(node, where + ": empty command");
    return out;
  }

  Command command(const YAML::Node& node, const std::string& where,
                  bool may_use_smtp = false) const {
    if (may_use_smtp) {
      only_keys(node, where, {"run", "smtp", "stdin_file", "format", "when"});
    } else {
      only_keys(node, where, {"run", "stdin_file", "format", "when"});
    }
    Command c;
    c.run = argv(node["run"], where + ".run");
    if (may_use_smtp) c.smtp = optional_scalar(node, "smtp", where);
    if (c.run.empty() == c.smtp.empty()) {
      fail(node, where + (may_use_smtp ? ": exactly one of 'run' and 'smtp' is required"
                                       : ": 'run' is required"));
    }
    c.stdin_file = optional_scalar(node, "stdin_file", where);
    c.format = optional_scalar(node, "format", where);
    c.when = optional_scalar(node, "when", where);
    return c;
  }

  Service service(const YAML::Node& node, const std::string& where) const {
    only_keys(node, where,
              {"name", "when", "run", "output", "start", "stop", "pid_file", "log", "ready",
               "faketime", "early", "stop_grace_ms"});
    Service s;
    s.name = scalar(node["name"], where + ".name");
    s.when = optional_scalar(node, "when", where);
    s.run = argv(node["run"], where + ".run");
    s.output = optional_scalar(node, "output", where);
    s.start = argv(node["start"], where + ".start");
    s.stop = argv(node["stop"], where + ".stop");
    s.pid_file = optional_scalar(node, "pid_file", where);
    s.log = optional_scalar(node, "log", where);
    if (const auto ready = node["ready"]; ready.IsDefined()) {
      only_keys(ready, where + ".ready", {"tcp"});
      s.ready.tcp = optional_scalar(ready, "tcp", where + ".ready");
    }
    s.faketime = boolean(node["faketime"], where + ".faketime");
    s.early = boolean(node["early"], where + ".early");
    if (const auto grace = node["stop_grace_ms"]; grace.IsDefined()) {
      const auto text = scalar(grace, where + ".stop_grace_ms");
      if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != text.npos) {
        fail(grace,
             where + ".stop_grace_ms: a number of milliseconds (0-999999), not '" + text + "'");
      }
      s.stop_grace = std::chrono::milliseconds(std::stol(text));
    }
    if (s.run.empty() == s.start.empty()) {
      fail(node, where + ": give exactly one of 'run' (a supervised child) or 'start'");
    }
    if (!s.start.empty() && s.stop.empty()) fail(node, where + ": 'start' needs 'stop'");
    if (!s.run.empty() && s.output.empty()) fail(node, where + ": 'run' needs 'output'");
    if (s.early && s.run.empty()) fail(node, where + ": only a 'run' service can start early");
    return s;
  }

  LogRule rule(const YAML::Node& node, const std::string& where) const {
    only_keys(node, where, {"kind", "regex", "fields", "set"});
    LogRule r;
    r.kind = scalar(node["kind"], where + ".kind");
    // A log line says what the sender did: it becomes one of the MTA's typed events, which the
    // classifier and the judge know how to read (core/events/mta.hpp).
    const auto* known = core::events::find_kind(r.kind);
    if (known == nullptr || known->source != core::Source::mta) {
      fail(node["kind"], where + ".kind: '" + r.kind +
                             "' is not an MTA event kind (mta.delivery, mta.tls, mta.policy)");
    }
    r.regex = scalar(node["regex"], where + ".regex");
    r.fields = strings(node["fields"], where + ".fields");
    std::regex compiled;
    try {
      compiled = std::regex(r.regex);
    } catch (const std::regex_error& e) {
      fail(node["regex"], where + ".regex: " + e.what());
    }
    if (compiled.mark_count() != r.fields.size()) {
      fail(node["fields"], where + ".fields: the regex has " +
                               std::to_string(compiled.mark_count()) + " groups but " +
                               std::to_string(r.fields.size()) + " names are given");
    }
    if (const auto set = node["set"]; set.IsDefined()) {
      if (!set.IsMap()) fail(set, where + ".set: expected a map");
      for (const auto& kv : set) {
        r.set[kv.first.as<std::string>()] = scalar(kv.second, where + ".set");
      }
    }
    return r;
  }

  Capabilities capabilities(const YAML::Node& node, const std::string& where) const {
    only_keys(node, where, {"flush", "clear_cache", "time_control", "tls_rpt", "mta_sts"});
    Capabilities c;
    c.flush = boolean(node["flush"], where + ".flush");
    c.clear_cache = boolean(node["clear_cache"], where + ".clear_cache");
    c.time_control = boolean(node["time_control"], where + ".time_control");
    c.tls_rpt = boolean(node["tls_rpt"], where + ".tls_rpt");
    c.mta_sts = boolean(node["mta_sts"], where + ".mta_sts");
    return c;
  }

  Target target(const std::string& name, const YAML::Node& node, const std::string& where) const {
    only_keys(node, where, {"title", "features", "capabilities", "variables"});
    Target t;
    t.name = name;
    t.title = optional_scalar(node, "title", where);
    t.features = strings(node["features"], where + ".features");
    if (!node["capabilities"].IsDefined()) fail(node, where + ": 'capabilities' is required");
    t.capabilities = capabilities(node["capabilities"], where + ".capabilities");
    if (const auto vars = node["variables"]; vars.IsDefined()) {
      if (!vars.IsMap()) fail(vars, where + ".variables: expected a map");
      for (const auto& kv : vars) {
        t.variables[kv.first.as<std::string>()] = scalar(kv.second, where + ".variables");
      }
    }
    return t;
  }

  std::vector<Directory> directories(const YAML::Node& dirs) const {
    std::vector<Directory> out;
    if (!dirs.IsDefined()) return out;
    if (!dirs.IsSequence()) fail(dirs, "directories: expected a list");
    for (std::size_t i = 0; i < dirs.size(); ++i) {
      const auto where = "directories[" + std::to_string(i) + "]";
      if (dirs[i].IsScalar()) {
        out.push_back({scalar(dirs[i], where), ""});
        continue;
      }
      only_keys(dirs[i], where, {"path", "owner", "group", "mode"});
      Directory d{scalar(dirs[i]["path"], where + ".path"),
                  optional_scalar(dirs[i], "owner", where)};
      d.group = optional_scalar(dirs[i], "group", where);
      if (const auto mode = optional_scalar(dirs[i], "mode", where); !mode.empty()) {
        if (mode.size() > 4 || mode.find_first_not_of("01234567") != mode.npos) {
          fail(dirs[i]["mode"], where + ".mode: an octal mode such as 0700, not '" + mode + "'");
        }
        d.mode = static_cast<unsigned>(std::stoul(mode, nullptr, 8));
      }
      out.push_back(std::move(d));
    }
    return out;
  }

  void read_commands(const YAML::Node& commands, Manifest& m) const {
    only_keys(commands, "commands", {"submit", "flush", "queue", "clear_cache"});
    for (const char* required : {"submit", "flush", "queue"}) {
      if (!commands[required].IsDefined()) {
        fail(commands, std::string("commands: '") + required + "' is required");
      }
    }
    m.submit = command(commands["submit"], "commands.submit", /*may_use_smtp=*/true);
    m.flush = command(commands["flush"], "commands.flush");
    m.queue = command(commands["queue"], "commands.queue");
    if (commands["clear_cache"].IsDefined()) {
      m.clear_cache = command(commands["clear_cache"], "commands.clear_cache");
    }
    if (m.queue.format != "postqueue-json") {
      fail(commands["queue"], "commands.queue.format: the known formats are: postqueue-json");
    }
  }

  // `field`: the logs' name in errors ("logs" in stslab.adapter/1, "status.logs" in /2).
  std::vector<LogFile> log_files(const YAML::Node& logs, const std::string& field = "logs") const {
    std::vector<LogFile> out;
    if (!logs.IsDefined()) return out;
    if (!logs.IsSequence()) fail(logs, field + ": expected a list");
    for (std::size_t i = 0; i < logs.size(); ++i) {
      const auto where = field + "[" + std::to_string(i) + "]";
      only_keys(logs[i], where, {"file", "when", "rules"});
      LogFile f;
      f.file = scalar(logs[i]["file"], where + ".file");
      f.when = optional_scalar(logs[i], "when", where);
      const auto rules = logs[i]["rules"];
      for (std::size_t j = 0; j < rules.size(); ++j) {
        f.rules.push_back(rule(rules[j], where + ".rules[" + std::to_string(j) + "]"));
      }
      out.push_back(std::move(f));
    }
    return out;
  }
  // What is made and started before the sender takes mail: directories, templates,
  // environment, the libfaketime globs, prepare commands and services (names unique).
  void setup(const YAML::Node& root, Manifest& m) const {
    m.directories = directories(root["directories"]);
    if (const auto templates = root["templates"]; templates.IsDefined()) {
      for (std::size_t i = 0; i < templates.size(); ++i) {
        const auto where = "templates[" + std::to_string(i) + "]";
        only_keys(templates[i], where, {"source", "target", "when"});
        m.templates.push_back({scalar(templates[i]["source"], where + ".source"),
                               scalar(templates[i]["target"], where + ".target"),
                               optional_scalar(templates[i], "when", where)});
      }
    }
    m.environment = environment(root["environment"]);
    if (const auto ft = root["faketime"]; ft.IsDefined()) {
      only_keys(ft, "faketime", {"library"});
      m.faketime_library = strings(ft["library"], "faketime.library");
    }
    if (const auto prepare = root["prepare"]; prepare.IsDefined()) {
      for (std::size_t i = 0; i < prepare.size(); ++i) {
        m.prepare.push_back(argv(prepare[i], "prepare[" + std::to_string(i) + "]"));
      }
    }
    std::set<std::string> service_names;
    if (const auto services = root["services"]; services.IsDefined()) {
      for (std::size_t i = 0; i < services.size(); ++i) {
        m.services.push_back(service(services[i], "services[" + std::to_string(i) + "]"));
        if (!service_names.insert(m.services.back().name).second) {
          fail(services[i], "services: the name '" + m.services.back().name + "' is used twice");
        }
      }
    }
  }
};

}  // namespace stslab::harness::adapters
