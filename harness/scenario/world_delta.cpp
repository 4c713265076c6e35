#include "world_delta.hpp"

#include <algorithm>
#include <regex>
#include <stdexcept>

#include "attack_names.hpp"
#include "host_settings.hpp"
#include "stslab/core/pki.hpp"
#include "stslab/dns/fault.hpp"
#include "stslab/dns/record.hpp"

namespace stslab::harness::detail {
namespace {

// A certificate profile name, checked with the PKI's own parser.
std::optional<std::string> read_profile(const YAML::Node& node, const std::string& field,
                                        Diagnostics& diag) {
  auto text = read_string(node, field, diag);
  if (!text) return std::nullopt;
  try {
    core::parse_cert_profile(*text);
  } catch (const std::invalid_argument& e) {
    diag.error(node, field, e.what());
    return std::nullopt;
  }
  return text;
}

// A text that may hold {domain} / {policy_id}; null gives nullopt through `present`.
std::optional<std::string> read_template(const YAML::Node& node, const std::string& field,
                                         Diagnostics& diag) {
  auto text = read_string(node, field, diag);
  if (text) check_placeholders(node, *text, field, diag);
  return text;
}

std::optional<std::vector<std::string>> read_template_list(const YAML::Node& node,
                                                           const std::string& field,
                                                           Diagnostics& diag) {
  auto list = read_string_list(node, field, diag);
  if (list) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      check_placeholders(node[i], (*list)[i], index_field(field, i), diag);
    }
  }
  return list;
}

// Each extra DNS line must be a zone-file record once its placeholders are filled in: what the
// lab would otherwise refuse at run time (an ERROR verdict) is a lint error here.
void check_zone_lines(const YAML::Node& node, const std::vector<std::string>& lines,
                      const std::string& field, Diagnostics& diag) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string text = lines[i];
    for (const auto& [from, to] :
         {std::pair<std::string, std::string>{"{domain}", "example.test"}, {"{policy_id}", "1"}}) {
      for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos)) {
        text.replace(pos, from.size(), to);
      }
    }
    try {
      dns::parse_record(text, 300);
    } catch (const dns::RecordError& e) {
      diag.error(node[i], index_field(field, i),
                 "not a zone-file record (\"owner [ttl] [class] type data\"): " + e.reason());
    }
  }
}

void apply_policy(PolicySpec& policy, const YAML::Node& map, const std::string& field,
                  Diagnostics& diag) {
  if (!check_map(map, field,
                 {"version", "mode", "mx", "max_age", "extra_lines", "raw", "line_ending"}, diag)) {
    return;
  }
  for (const auto& entry : map) {
    const std::string key = entry.first.Scalar();
    const YAML::Node& value = entry.second;
    const std::string f = join_field(field, key);
    // Field values are served as written, so invalid ones can be served on purpose.
    if (key == "version") {
      if (auto v = read_string(value, f, diag)) policy.version = *v;
    } else if (key == "mode") {
      if (auto v = read_string(value, f, diag)) policy.mode = *v;
    } else if (key == "max_age") {
      if (auto v = read_string(value, f, diag)) policy.max_age = *v;
    } else if (key == "mx") {
      if (auto v = read_template_list(value, f, diag)) policy.mx = *v;
    } else if (key == "extra_lines") {
      if (auto v = read_template_list(value, f, diag)) policy.extra_lines = *v;
    } else if (key == "raw") {
      if (value.IsNull()) {
        policy.raw.reset();
      } else if (auto v = read_template(value, f, diag)) {
        policy.raw = *v;
      }
    } else if (key == "line_ending") {
      if (auto v = read_string(value, f, diag)) {
        if (*v == "crlf") {
          policy.line_ending = "\r\n";
        } else if (*v == "lf") {
          policy.line_ending = "\n";
        } else {
          diag.error(value, f, "expected crlf or lf, got '" + *v + "'");
        }
      }
    }
  }
}

// dns_faults: [{name: "_mta-sts.{domain}", fault: servfail, type: TXT}, ...]
void read_dns_faults(WorldSpec& world, const YAML::Node& list, const std::string& field,
                     Diagnostics& diag) {
  if (!list.IsSequence() && !list.IsNull()) {
    diag.error(list, field, "expected a list of faults, got " + std::string(kind_name(list)));
    return;
  }
  std::vector<DnsFaultSpec> faults;
  for (std::size_t i = 0; list.IsSequence() && i < list.size(); ++i) {
    const YAML::Node& node = list[i];
    const std::string f = index_field(field, i);
    if (!check_map(node, f, {"name", "fault", "type"}, diag)) continue;
    const auto name =
        node["name"] ? read_template(node["name"], join_field(f, "name"), diag) : std::nullopt;
    if (!node["name"]) diag.error(node, join_field(f, "name"), "missing (required)");
    const auto word =
        node["fault"] ? read_string(node["fault"], join_field(f, "fault"), diag) : std::nullopt;
    if (!node["fault"]) diag.error(node, join_field(f, "fault"), "missing (required)");
    const auto fault = word ? dns::parse_fault(*word) : std::nullopt;
    if (word && !fault) {
      diag.error(node["fault"], join_field(f, "fault"),
                 "unknown DNS fault '" + *word +
                     "' (known: servfail, refused, nxdomain, timeout, truncate)");
    }
    std::optional<std::string> type;
    if (const YAML::Node t = node["type"]) {
      type = read_string(t, join_field(f, "type"), diag);
      try {
        if (type) dns::parse_type(*type);
      } catch (const dns::RecordError& e) {
        diag.error(t, join_field(f, "type"), e.reason());
      }
    }
    if (name && fault) faults.push_back({*name, *fault, type});
  }
  world.dns_faults = std::move(faults);
}

void apply_policy_host(PolicyHostSpec& host, const YAML::Node& map, const std::string& field,
                       Diagnostics& diag) {
  if (!check_map(map, field,
                 keys_with({"up", "cert", "status", "content_type", "location", "sni_required"},
                           policy_host_settings()),
                 diag)) {
    return;
  }
  for (const auto& entry : map) {
    const std::string key = entry.first.Scalar();
    const YAML::Node& value = entry.second;
    const std::string f = join_field(field, key);
    if (read_host_setting(host.settings, policy_host_settings(), key, value, f, diag)) {
      continue;
    } else if (key == "up") {
      if (auto v = read_bool(value, f, diag)) host.up = *v;
    } else if (key == "cert") {
      if (auto v = read_profile(value, f, diag)) host.cert = *v;
    } else if (key == "status") {
      if (auto v = read_int(value, f, 100, 599, diag)) host.status = static_cast<unsigned>(*v);
    } else if (key == "content_type") {
      if (auto v = read_string(value, f, diag)) host.content_type = *v;
    } else if (key == "sni_required") {
      if (auto v = read_bool(value, f, diag)) host.sni_required = *v;
    } else if (key == "location") {
      if (value.IsNull()) {
        host.location.reset();
      } else if (auto v = read_template(value, f, diag)) {
        host.location = *v;
      }
    }
  }
}

bool valid_label(const std::string& label) {
  static const std::regex dns_label("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  return std::regex_match(label, dns_label);
}

void apply_one_mx(MxSpec& mx, const YAML::Node& map, const std::string& field, Diagnostics& diag) {
  if (!check_map(map, field,
                 keys_with({"preference", "in_dns", "cert", "starttls", "attack", "attack_params"},
                           mx_settings()),
                 diag)) {
    return;
  }
  // `attack` first: it resets the parameters, which `attack_params` then merges over.
  if (const YAML::Node attack = map["attack"])
    set_attack(mx, attack, join_field(field, "attack"), diag);
  for (const auto& entry : map) {
    const std::string key = entry.first.Scalar();
    const YAML::Node& value = entry.second;
    const std::string f = join_field(field, key);
    if (read_host_setting(mx.settings, mx_settings(), key, value, f, diag)) {
      continue;
    } else if (key == "preference") {
      if (auto v = read_int(value, f, 0, 65535, diag)) mx.preference = static_cast<int>(*v);
    } else if (key == "in_dns") {
      if (auto v = read_bool(value, f, diag)) mx.in_dns = *v;
    } else if (key == "cert") {
      if (auto v = read_profile(value, f, diag)) mx.cert = *v;
    } else if (key == "starttls") {
      if (auto v = read_bool(value, f, diag)) mx.starttls = *v;
    } else if (key == "attack_params") {
      if (value.IsNull()) {
        mx.attack_params.clear();
        continue;
      }
      if (!check_map(value, f, {}, diag)) continue;
      auto params = mx.attack_params;
      bool ok = true;
      for (const auto& p : value) {
        if (auto v = read_string(p.second, join_field(f, p.first.Scalar()), diag)) {
          params[p.first.Scalar()] = *v;
        } else {
          ok = false;
        }
      }
      if (!ok) continue;
      if (auto problem = check_attack(mx.attack, params); !problem.empty()) {
        diag.error(value, f, problem);
        continue;
      }
      mx.attack_params = std::move(params);
    }
  }
}

void apply_mx(WorldSpec& world, const YAML::Node& map, const std::string& field,
              Diagnostics& diag) {
  if (!check_map(map, field, {}, diag)) return;
  for (const auto& entry : map) {
    const std::string label = entry.first.Scalar();
    const std::string f = join_field(field, label);
    if (!valid_label(label)) {
      diag.error(entry.first, f, "an MX label must be one DNS label ([a-z0-9-], at most 63)");
      continue;
    }
    const YAML::Node& value = entry.second;
    MxSpec* mx = find_mx(world, label);
    if (value.IsNull()) {  // "mx1: null" removes the host; "mx2: {}" adds one with the defaults
      if (mx == nullptr) {
        diag.error(entry.first, f,
                   "no MX '" + label + "' to remove (known: " + mx_labels(world) + ")");
      } else {
        std::erase_if(world.mx, [&](const MxSpec& m) { return m.label == label; });
      }
      continue;
    }
    if (mx == nullptr) {
      world.mx.push_back(MxSpec{.label = label});
      mx = &world.mx.back();
    }
    apply_one_mx(*mx, value, f, diag);
  }
}

}  // namespace

const std::vector<std::string_view>& world_keys() {
  static const std::vector<std::string_view> keys{"dns",       "dns_faults",   "sts_record",
                                                  "policy_id", "policy",       "policy_host",
                                                  "mx",        "tlsrpt_record"};
  return keys;
}

bool is_world_key(std::string_view key) {
  const auto& keys = world_keys();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

MxSpec* find_mx(WorldSpec& world, const std::string& label) {
  for (auto& mx : world.mx) {
    if (mx.label == label) return &mx;
  }
  return nullptr;
}

const MxSpec* find_mx(const WorldSpec& world, const std::string& label) {
  for (const auto& mx : world.mx) {
    if (mx.label == label) return &mx;
  }
  return nullptr;
}

std::string mx_labels(const WorldSpec& world) {
  std::string text;
  for (const auto& mx : world.mx)
    text += (text.empty() ? "" : ", ") + mx.label;
  return text.empty() ? "none" : text;
}

void set_attack(MxSpec& mx, const YAML::Node& node, const std::string& field, Diagnostics& diag) {
  const auto text = read_string(node, field, diag);
  if (!text) return;
  AttackText attack;
  try {
    attack = parse_attack_text(*text);
  } catch (const std::invalid_argument& e) {
    diag.error(node, field, e.what());
    return;
  }
  if (auto problem = check_attack(attack.name, attack.params); !problem.empty()) {
    diag.error(node, field, problem);
    return;
  }
  mx.attack = attack.name;
  mx.attack_params = attack.params;
}

void apply_world_delta(WorldSpec& world, const YAML::Node& map, const std::string& prefix,
                       Diagnostics& diag) {
  for (const auto& entry : map) {
    if (!entry.first.IsScalar()) continue;  // reported by the caller's check_map
    const std::string key = entry.first.Scalar();
    if (!is_world_key(key)) continue;
    const YAML::Node& value = entry.second;
    const std::string f = join_field(prefix, key);
    if (key == "sts_record") {
      if (value.IsNull()) {
        world.sts_record.reset();
      } else if (auto v = read_template(value, f, diag)) {
        world.sts_record = *v;
      }
    } else if (key == "policy_id") {
      if (auto v = read_string(value, f, diag)) {
        if (v->empty()) {
          diag.error(value, f, "the policy id is empty");
        } else {
          world.policy_id = *v;
        }
      }
    } else if (key == "policy") {
      if (value.IsNull()) {
        world.policy.reset();
      } else {
        PolicySpec policy = world.policy.value_or(PolicySpec{});
        apply_policy(policy, value, f, diag);
        world.policy = std::move(policy);
      }
    } else if (key == "policy_host") {
      apply_policy_host(world.policy_host, value, f, diag);
    } else if (key == "mx") {
      apply_mx(world, value, f, diag);
    } else if (key == "tlsrpt_record") {
      if (value.IsNull()) {
        world.tlsrpt_record.reset();
      } else if (auto v = read_template(value, f, diag)) {
        world.tlsrpt_record = *v;
      }
    } else if (key == "dns_faults") {
      read_dns_faults(world, value, f, diag);
    } else if (key == "dns") {
      if (auto v = read_template_list(value, f, diag)) {
        check_zone_lines(value, *v, f, diag);
        world.dns = *v;
      }
    }
  }
}

}  // namespace stslab::harness::detail
