// Reading the sections of a manifest that drives its sender by shell command lines: shared by
// the two schemas that have them (stslab.command-adapter/1, stslab.adapter/2). Private to src/.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <functional>
#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "mutant_sections.hpp"
#include "stslab/harness/adapters/command_manifest.hpp"
#include "stslab/harness/adapters/template.hpp"
#include "stslab/harness/adapters/waits.hpp"
#include "yaml_fields.hpp"

namespace stslab::harness::adapters {

// The sections of a manifest whose sender is driven by shell command lines (capabilities in
// yes/no words, targets over the manifest's defaults, mutants, the placeholder check):
// stslab.command-adapter/1 and the command-driven form of stslab.adapter/2 read them alike.
// Every error names the file, the line and the key.
class CommandSections : public YamlFields {
 public:
  using YamlFields::YamlFields;

  // yes | no (true | false too): YAML 1.2 readers differ on bare yes/no, so read the word.
  bool yes_no(const YAML::Node& node, const std::string& where) const {
    const auto word = scalar(node, where);
    if (word == "yes" || word == "true") return true;
    if (word == "no" || word == "false") return false;
    fail(node, where + ": expected yes or no");
  }

  // Fills what `node` says over `target`'s capabilities (the manifest's, for a target).
  void capabilities(const YAML::Node& node, const std::string& where, CommandTarget& t) const {
    only_keys(node, where, {"time_control", "tls_rpt", "mta_sts"});
    if (const auto tc = node["time_control"]; tc.IsDefined()) {
      const auto word = scalar(tc, where + ".time_control");
      if (word != "none" && word != "faketime") {
        fail(tc, where + ".time_control: expected none or faketime");
      }
      t.faketime = word == "faketime";
    }
    if (node["tls_rpt"].IsDefined()) {
      t.capabilities.tls_rpt = yes_no(node["tls_rpt"], where + ".tls_rpt");
    }
    if (node["mta_sts"].IsDefined()) {
      t.capabilities.mta_sts = yes_no(node["mta_sts"], where + ".mta_sts");
    }
  }

  std::map<std::string, std::string> string_map(const YAML::Node& node,
                                                const std::string& where) const {
    std::map<std::string, std::string> out;
    if (!node.IsDefined()) return out;
    if (!node.IsMap()) fail(node, where + ": expected a map");
    for (const auto& kv : node) {
      const auto key = kv.first.as<std::string>();
      out[key] = scalar(kv.second, where + "." + key);
    }
    return out;
  }

  void commands(const YAML::Node& node, CommandManifest& m) const {
    only_keys(
        node, "commands",
        {"start", "submit", "flush", "status", "clear_cache", "report", "dns_records", "stop"});
    if (const auto start = node["start"]; start.IsDefined() && start.IsMap()) {
      only_keys(start, "commands.start", {"run", "ready"});
      m.start = scalar(start["run"], "commands.start.run");
      if (const auto ready = start["ready"]; ready.IsDefined()) {
        only_keys(ready, "commands.start.ready", {"tcp"});
        m.ready_tcp = scalar(ready["tcp"], "commands.start.ready.tcp");
      }
    } else {
      m.start = optional_scalar(node, "start", "commands");
    }
    if (!node["submit"].IsDefined()) fail(node, "commands: 'submit' is required");
    m.submit = scalar(node["submit"], "commands.submit");
    m.flush = optional_scalar(node, "flush", "commands");
    m.status = optional_scalar(node, "status", "commands");
    m.clear_cache = optional_scalar(node, "clear_cache", "commands");
    m.report = optional_scalar(node, "report", "commands");
    m.dns_records = optional_scalar(node, "dns_records", "commands");
    m.stop = optional_scalar(node, "stop", "commands");
  }

  CommandTarget target(const std::string& name, const YAML::Node& node,
                       const CommandTarget& defaults) const {
    const auto where = "targets." + name;
    if (node.IsNull()) {
      auto t = defaults;
      t.name = name;
      return t;
    }
    only_keys(node, where, {"title", "capabilities", "variables"});
    auto t = defaults;
    t.name = name;
    t.title = optional_scalar(node, "title", where);
    if (node["capabilities"].IsDefined()) {
      capabilities(node["capabilities"], where + ".capabilities", t);
    }
    t.variables = string_map(node["variables"], where + ".variables");
    return t;
  }

  void mutants(const YAML::Node& node, CommandManifest& m) const {
    read_mutants(*this, node, m.targets);
  }

  // Where a command of the manifest was written, for errors: its field name and its node
  // (asked for by the CommandManifest member's name: start, submit, flush, status,
  // clear_cache, stop, ready_tcp, dns_records, report).
  using CommandSite = std::function<std::pair<std::string, YAML::Node>(const std::string&)>;

  // Renders every command for every target with dummy values, so that a typo in a
  // placeholder is an error now rather than in the middle of a run.
  void check_placeholders(const YAML::Node& root, const CommandManifest& m,
                          const CommandSite& site) const {
    Variables lab;
    for (const auto& name : kLabPlaceholders)
      lab[name] = "x";
    const std::vector<std::pair<const char*, const std::string*>> lab_only = {
        {"start", &m.start},   {"flush", &m.flush},
        {"status", &m.status}, {"clear_cache", &m.clear_cache},
        {"stop", &m.stop},     {"dns_records", &m.dns_records}};
    for (const auto& [name, t] : m.targets) {
      Variables with_target = lab;
      for (const auto& [k, v] : t.variables) {
        with_target[k] = checked(root["targets"], v, lab, "targets." + name + ".variables." + k);
      }
      Variables with_message = with_target;
      for (const auto& k : kMessagePlaceholders)
        with_message[k] = "x";
      for (const auto& [field, text] : lab_only) {
        const auto [label, node] = site(field);
        checked(node, *text, with_target, label);
      }
      const auto [submit_label, submit_node] = site("submit");
      checked(submit_node, m.submit, with_message, submit_label);
      if (!m.ready_tcp.empty()) {
        // With the lab's own addresses in: what the wait would try to connect to.
        Variables addresses = with_target;
        addresses["mta_address"] = "127.0.0.1";
        addresses["dns_address"] = "127.0.0.53";
        const auto [ready_label, ready_node] = site("ready_tcp");
        const auto rendered = checked(ready_node, m.ready_tcp, addresses, ready_label);
        if (!is_ipv4_port(rendered)) {
          fail(ready_node, ready_label + ": '" + m.ready_tcp +
                               "' is not an IPv4 ADDRESS:PORT (e.g. \"{{mta_address}}:2525\")");
        }
      }
      Variables with_domain = with_target;
      with_domain["policy_domain"] = "x";
      const auto [report_label, report_node] = site("report");
      checked(report_node, m.report, with_domain, report_label);
      for (const auto& [program, command] : m.versions) {
        checked(root["versions"], command, with_target, "versions." + program);
      }
      for (const auto& [k, v] : m.environment) {
        if (v) checked(root["environment"], *v, with_target, "environment." + k);
      }
    }
  }

  std::string checked(const YAML::Node& near, const std::string& text, const Variables& vars,
                      const std::string& where) const {
    return render_checked(*this, near, text, vars, where);
  }

  // submit_mode (oneshot or daemon) and shared_state, which only a one-shot sender may have.
  void read_submit_mode(const YAML::Node& root, CommandManifest& m) const {
    const auto mode = optional_scalar(root, "submit_mode", "manifest");
    if (mode == "daemon") {
      m.submit_mode = SubmitMode::daemon;
    } else if (!mode.empty() && mode != "oneshot") {
      fail(root["submit_mode"], "submit_mode: expected oneshot or daemon");
    }
    if (const auto shared = root["shared_state"]; shared.IsDefined()) {
      m.shared_state = boolean(shared, "shared_state");
      if (m.shared_state && m.submit_mode == SubmitMode::daemon) {
        fail(shared, "shared_state: only for one-shot senders (a daemon has one state anyway)");
      }
    }
  }

  std::chrono::seconds seconds(const YAML::Node& timeout) const {
    int n = 0;
    try {
      n = timeout.as<int>();
    } catch (const YAML::Exception&) {
      fail(timeout, "timeout: expected a number of seconds");
    }
    if (n <= 0) fail(timeout, "timeout: expected a positive number of seconds");
    return std::chrono::seconds(n);
  }

  // The targets over the capabilities every target starts from (the manifest's own, and what
  // its commands make possible).
  void read_targets(const YAML::Node& root, CommandManifest& m) const {
    CommandTarget defaults;
    defaults.capabilities.mta_sts = false;  // a sender claims MTA-STS explicitly
    if (!root["capabilities"].IsDefined()) {
      fail(root, "capabilities: required (time_control, tls_rpt, mta_sts)");
    }
    capabilities(root["capabilities"], "capabilities", defaults);
    // Flushing a one-shot sender re-runs submit, so it always can; a daemon needs the command.
    defaults.capabilities.flush = m.submit_mode == SubmitMode::oneshot || !m.flush.empty();
    defaults.capabilities.clear_cache = !m.clear_cache.empty();
    defaults.capabilities.report_flush = !m.report.empty();
    defaults.capabilities.time_control = defaults.faketime;

    const auto targets = root["targets"];
    if (!targets.IsDefined() || !targets.IsMap() || targets.size() == 0) {
      fail(targets, "targets: at least one is required");
    }
    for (const auto& kv : targets) {
      const auto name = kv.first.as<std::string>();
      if (name.find('+') != std::string::npos) {
        fail(kv.first, "targets." + name + ": '+' is kept for mutants (base+defect)");
      }
      auto t = target(name, kv.second, defaults);
      t.capabilities.time_control = t.faketime;
      m.targets[name] = std::move(t);
    }
  }
};

}  // namespace stslab::harness::adapters
