#include "world_fields.hpp"

#include <stdexcept>

#include "attack_names.hpp"
#include "stslab/core/pki.hpp"

namespace stslab::harness::detail {
namespace {

// attack_params: merged over the parameters `attack` set, checked against the attack's schema.
void read_attack_params(MxSpec& mx, const YAML::Node& value, const std::string& f,
                        Diagnostics& diag) {
  if (value.IsNull()) {
    mx.attack_params.clear();
    return;
  }
  if (!check_map(value, f, {}, diag)) return;
  auto params = mx.attack_params;
  bool ok = true;
  for (const auto& p : value) {
    if (auto v = read_string(p.second, join_field(f, p.first.Scalar()), diag)) {
      params[p.first.Scalar()] = *v;
    } else {
      ok = false;
    }
  }
  if (!ok) return;
  if (auto problem = check_attack(mx.attack, params); !problem.empty()) {
    diag.error(value, f, problem);
    return;
  }
  mx.attack_params = std::move(params);
}

}  // namespace

std::optional<core::CertProfile> read_profile(const YAML::Node& node, const std::string& field,
                                              Diagnostics& diag) {
  auto text = read_string(node, field, diag);
  if (!text) return std::nullopt;
  try {
    return core::parse_cert_profile(*text);
  } catch (const std::invalid_argument& e) {
    diag.error(node, field, e.what());
    return std::nullopt;
  }
}

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

// Field values are served as written, so invalid ones can be served on purpose.
const std::vector<SpecKey<PolicySpec>>& policy_keys() {
  using D = Diagnostics;
  using N = YAML::Node;
  static const std::vector<SpecKey<PolicySpec>> keys{
      {"version",
       [](PolicySpec& p, const N& v, const std::string& f, D& d) {
         if (auto s = read_string(v, f, d)) p.version = *s;
       }},
      {"mode",
       [](PolicySpec& p, const N& v, const std::string& f, D& d) {
         if (auto s = read_string(v, f, d)) p.mode = *s;
       }},
      {"mx",
       [](PolicySpec& p, const N& v, const std::string& f, D& d) {
         if (auto l = read_template_list(v, f, d)) p.mx = *l;
       }},
      {"max_age",
       [](PolicySpec& p, const N& v, const std::string& f, D& d) {
         if (auto s = read_string(v, f, d)) p.max_age = *s;
       }},
      {"extra_lines",
       [](PolicySpec& p, const N& v, const std::string& f, D& d) {
         if (auto l = read_template_list(v, f, d)) p.extra_lines = *l;
       }},
      {"raw",
       [](PolicySpec& p, const N& v, const std::string& f, D& d) {
         if (v.IsNull()) {
           p.raw.reset();
         } else if (auto s = read_template(v, f, d)) {
           p.raw = *s;
         }
       }},
      {"line_ending",
       [](PolicySpec& p, const N& v, const std::string& f, D& d) {
         const auto s = read_string(v, f, d);
         if (!s) return;
         if (*s == "crlf") {
           p.line_ending = "\r\n";
         } else if (*s == "lf") {
           p.line_ending = "\n";
         } else {
           d.error(v, f, "expected crlf or lf, got '" + *s + "'");
         }
       }},
  };
  return keys;
}

const std::vector<SpecKey<PolicyHostSpec>>& policy_host_keys() {
  using D = Diagnostics;
  using N = YAML::Node;
  static const std::vector<SpecKey<PolicyHostSpec>> keys{
      {"up",
       [](PolicyHostSpec& h, const N& v, const std::string& f, D& d) {
         if (auto b = read_bool(v, f, d)) h.up = *b;
       }},
      {"cert",
       [](PolicyHostSpec& h, const N& v, const std::string& f, D& d) {
         if (auto p = read_profile(v, f, d)) h.cert = *p;
       }},
      {"status",
       [](PolicyHostSpec& h, const N& v, const std::string& f, D& d) {
         if (auto i = read_int(v, f, 100, 599, d)) h.status = static_cast<unsigned>(*i);
       }},
      {"content_type",
       [](PolicyHostSpec& h, const N& v, const std::string& f, D& d) {
         if (auto s = read_string(v, f, d)) h.content_type = *s;
       }},
      {"location",
       [](PolicyHostSpec& h, const N& v, const std::string& f, D& d) {
         if (v.IsNull()) {
           h.location.reset();
         } else if (auto s = read_template(v, f, d)) {
           h.location = *s;
         }
       }},
      {"sni_required",
       [](PolicyHostSpec& h, const N& v, const std::string& f, D& d) {
         if (auto b = read_bool(v, f, d)) h.sni_required = *b;
       }},
  };
  return keys;
}

const std::vector<SpecKey<MxSpec>>& mx_keys() {
  using D = Diagnostics;
  using N = YAML::Node;
  static const std::vector<SpecKey<MxSpec>> keys{
      {"preference",
       [](MxSpec& mx, const N& v, const std::string& f, D& d) {
         if (auto i = read_int(v, f, 0, 65535, d)) mx.preference = static_cast<int>(*i);
       }},
      {"in_dns",
       [](MxSpec& mx, const N& v, const std::string& f, D& d) {
         if (auto b = read_bool(v, f, d)) mx.in_dns = *b;
       }},
      {"cert",
       [](MxSpec& mx, const N& v, const std::string& f, D& d) {
         if (auto p = read_profile(v, f, d)) mx.cert = *p;
       }},
      {"starttls",
       [](MxSpec& mx, const N& v, const std::string& f, D& d) {
         if (auto b = read_bool(v, f, d)) mx.starttls = *b;
       }},
      // Read before the others (apply_one_mx): it resets the parameters attack_params merges over.
      {"attack", [](MxSpec&, const N&, const std::string&, D&) {}},
      {"attack_params", &read_attack_params},
  };
  return keys;
}

}  // namespace stslab::harness::detail
