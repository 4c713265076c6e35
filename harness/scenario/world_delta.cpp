#include "world_delta.hpp"

#include <algorithm>
#include <regex>
#include <stdexcept>

#include "attack_names.hpp"
#include "host_settings.hpp"
#include "spec_keys.hpp"
#include "stslab/core/pki.hpp"
#include "stslab/dns/fault.hpp"
#include "stslab/dns/record.hpp"
#include "world_fields.hpp"

namespace stslab::harness::detail {
namespace {

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
  if (!check_map(map, field, key_names(policy_keys()), diag)) return;
  for (const auto& entry : map) {
    const std::string key = entry.first.Scalar();
    read_key(policy, policy_keys(), key, entry.second, join_field(field, key), diag);
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
  if (!check_map(map, field, keys_with(key_names(policy_host_keys()), policy_host_settings()),
                 diag)) {
    return;
  }
  for (const auto& entry : map) {
    const std::string key = entry.first.Scalar();
    const std::string f = join_field(field, key);
    if (!read_host_setting(host.settings, policy_host_settings(), key, entry.second, f, diag)) {
      read_key(host, policy_host_keys(), key, entry.second, f, diag);
    }
  }
}

bool valid_label(const std::string& label) {
  static const std::regex dns_label("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  return std::regex_match(label, dns_label);
}

void apply_one_mx(MxSpec& mx, const YAML::Node& map, const std::string& field, Diagnostics& diag) {
  if (!check_map(map, field, keys_with(key_names(mx_keys()), mx_settings()), diag)) return;
  if (const YAML::Node attack = map["attack"])
    set_attack(mx, attack, join_field(field, "attack"), diag);
  for (const auto& entry : map) {
    const std::string key = entry.first.Scalar();
    const std::string f = join_field(field, key);
    if (!read_host_setting(mx.settings, mx_settings(), key, entry.second, f, diag)) {
      read_key(mx, mx_keys(), key, entry.second, f, diag);
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

const std::vector<SpecKey<WorldSpec>>& world_spec_keys() {
  using D = Diagnostics;
  using N = YAML::Node;
  static const std::vector<SpecKey<WorldSpec>> keys{
      {"dns",
       [](WorldSpec& w, const N& v, const std::string& f, D& d) {
         if (auto lines = read_template_list(v, f, d)) {
           check_zone_lines(v, *lines, f, d);
           w.dns = *lines;
         }
       }},
      {"dns_faults", &read_dns_faults},
      {"sts_record",
       [](WorldSpec& w, const N& v, const std::string& f, D& d) {
         if (v.IsNull()) {
           w.sts_record.reset();
         } else if (auto s = read_template(v, f, d)) {
           w.sts_record = *s;
         }
       }},
      {"policy_id",
       [](WorldSpec& w, const N& v, const std::string& f, D& d) {
         const auto s = read_string(v, f, d);
         if (s && s->empty()) d.error(v, f, "the policy id is empty");
         if (s && !s->empty()) w.policy_id = *s;
       }},
      {"policy",
       [](WorldSpec& w, const N& v, const std::string& f, D& d) {
         if (v.IsNull()) {
           w.policy.reset();
           return;
         }
         PolicySpec policy = w.policy.value_or(PolicySpec{});
         apply_policy(policy, v, f, d);
         w.policy = std::move(policy);
       }},
      {"policy_host", [](WorldSpec& w, const N& v, const std::string& f,
                         D& d) { apply_policy_host(w.policy_host, v, f, d); }},
      {"mx", &apply_mx},
      {"tlsrpt_record",
       [](WorldSpec& w, const N& v, const std::string& f, D& d) {
         if (v.IsNull()) {
           w.tlsrpt_record.reset();
         } else if (auto s = read_template(v, f, d)) {
           w.tlsrpt_record = *s;
         }
       }},
  };
  return keys;
}

}  // namespace

const std::vector<std::string_view>& world_keys() {
  static const std::vector<std::string_view> keys = key_names(world_spec_keys());
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
    // Keys that are not the world's belong to the caller (a step's own words).
    read_key(world, world_spec_keys(), key, entry.second, join_field(prefix, key), diag);
  }
}

}  // namespace stslab::harness::detail
