#include "stslab/harness/adapters/command_manifest.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <regex>

#include "stslab/harness/adapters/template.hpp"
#include "stslab/harness/adapters/waits.hpp"
#include "stslab/harness/bounded_yaml.hpp"
#include "yaml_fields.hpp"

namespace stslab::harness::adapters {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSchema = "stslab.command-adapter/1";

// Reads one stslab.command-adapter/1 manifest; every error names the file, the line and the key.
class Reader : public YamlFields {
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

  // `mutants:` (one map or a list of them): one target per defect, the base target with one
  // variable overridden.
  void mutants(const YAML::Node& node, CommandManifest& m) const {
    if (node.IsSequence()) {
      for (std::size_t i = 0; i < node.size(); ++i)
        mutant_set(node[i], "mutants[" + std::to_string(i) + "]", m);
    } else {
      mutant_set(node, "mutants", m);
    }
  }

  void mutant_set(const YAML::Node& node, const std::string& where, CommandManifest& m) const {
    only_keys(node, where, {"of", "variable", "value", "defects"});
    const auto base_name = scalar(node["of"], where + ".of");
    const auto base = m.targets.find(base_name);
    if (base == m.targets.end() || !base->second.mutant_of.empty()) {
      fail(node["of"], where + ".of: no target '" + base_name + "' to derive mutants from");
    }
    const auto variable = scalar(node["variable"], where + ".variable");
    if (!base->second.variables.count(variable)) {
      fail(node["variable"], where + ".variable: target '" + base_name + "' has no variable '" +
                                 variable + "' to override");
    }
    const auto value = scalar(node["value"], where + ".value");
    const auto defects = node["defects"];
    if (!defects.IsDefined() || !defects.IsMap() || defects.size() == 0) {
      fail(defects, where + ".defects: expected a map of defect name -> requirement IDs");
    }
    static const std::regex defect_name("[a-z0-9]+(-[a-z0-9]+)*");
    static const std::regex requirement_id("STS-[A-Z]+-[0-9]{2}|RPT-[0-9]{2}");
    for (const auto& kv : defects) {
      const auto defect = kv.first.as<std::string>();
      const auto at = where + ".defects." + defect;
      if (!std::regex_match(defect, defect_name)) {
        fail(kv.first, at + ": a defect name is lowercase words joined by '-'");
      }
      CommandTarget t = base->second;
      t.name = base_name + "+" + defect;
      t.title = (t.title.empty() ? base_name : t.title) + ", with the defect " + defect;
      t.mutant_of = base_name;
      t.defect = defect;
      t.requirements = strings(kv.second, at);
      for (const auto& r : t.requirements) {
        if (!std::regex_match(r, requirement_id)) {
          fail(kv.second, at + ": '" + r + "' is not a requirement ID (STS-AREA-NN or RPT-NN)");
        }
      }
      if (t.requirements.empty()) fail(kv.second, at + ": name the requirements it breaks");
      t.variables[variable] = checked(node["value"], value, {{"defect", defect}}, where + ".value");
      if (!m.targets.emplace(t.name, t).second) {
        fail(kv.first, at + ": the target '" + t.name + "' is defined twice");
      }
    }
  }

  // Renders every command for every target with dummy values, so that a typo in a
  // placeholder is an error now rather than in the middle of a run.
  void check_placeholders(const YAML::Node& root, const CommandManifest& m) const {
    Variables lab;
    for (const auto& name : kLabPlaceholders)
      lab[name] = "x";
    Variables message = lab;
    for (const auto& name : kMessagePlaceholders)
      message[name] = "x";
    const std::vector<std::pair<const char*, const std::string*>> lab_only = {
        {"start", &m.start},
        {"flush", &m.flush},
        {"status", &m.status},
        {"clear_cache", &m.clear_cache},
        {"stop", &m.stop},
        {"start.ready.tcp", &m.ready_tcp},
        {"dns_records", &m.dns_records}};
    for (const auto& [name, t] : m.targets) {
      Variables with_target = lab;
      for (const auto& [k, v] : t.variables) {
        with_target[k] = checked(root["targets"], v, lab, "targets." + name + ".variables." + k);
      }
      Variables with_message = with_target;
      for (const auto& k : kMessagePlaceholders)
        with_message[k] = "x";
      for (const auto& [field, text] : lab_only) {
        checked(root["commands"], *text, with_target, "commands." + std::string(field));
      }
      checked(root["commands"], m.submit, with_message, "commands.submit");
      if (!m.ready_tcp.empty()) {
        // With the lab's own addresses in: what the wait would try to connect to.
        Variables addresses = with_target;
        addresses["mta_address"] = "127.0.0.1";
        addresses["dns_address"] = "127.0.0.53";
        const auto rendered = checked(root["commands"], m.ready_tcp, addresses, "ready");
        if (!is_ipv4_port(rendered)) {
          fail(root["commands"]["start"]["ready"]["tcp"],
               "commands.start.ready.tcp: '" + m.ready_tcp +
                   "' is not an IPv4 ADDRESS:PORT (e.g. \"{{mta_address}}:2525\")");
        }
      }
      Variables with_domain = with_target;
      with_domain["policy_domain"] = "x";
      checked(root["commands"], m.report, with_domain, "commands.report");
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
    try {
      return render(text, vars);
    } catch (const TemplateError& e) {
      fail(near, where + ": " + e.what());
    }
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
    check_placeholders(root, m);
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
  try {
    return Reader(path).manifest();
  } catch (const YAML::Exception& e) {
    // A value of the wrong shape deep inside (a map where a string belongs, ...).
    throw ManifestError(describe_yaml_error(path, e));
  }
}

}  // namespace stslab::harness::adapters
