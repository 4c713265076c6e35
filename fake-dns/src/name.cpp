#include "stslab/dns/name.hpp"

#include <stdexcept>

namespace stslab::dns {

RdfPtr parse_name(std::string_view text) {
  // ldns reads names without the trailing dot as absolute already; "" is the root.
  std::string owned = text.empty() ? std::string(".") : std::string(text);
  ldns_rdf* rdf = nullptr;
  ldns_status status = ldns_str2rdf_dname(&rdf, owned.c_str());
  if (status != LDNS_STATUS_OK) {
    ldns_rdf_deep_free(rdf);
    throw std::invalid_argument("bad domain name \"" + std::string(text) +
                                "\": " + ldns_get_errorstr_by_id(status));
  }
  return RdfPtr(rdf);
}

std::string display_name(const ldns_rdf* dname) {
  RdfPtr lower = clone(dname);
  ldns_dname2canonical(lower.get());
  std::string text = to_string(lower.get());
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

std::string name_key(const ldns_rdf* dname) {
  RdfPtr lower = clone(dname);
  ldns_dname2canonical(lower.get());
  std::string key;
  const std::uint8_t count = ldns_dname_label_count(lower.get());
  for (int i = count - 1; i >= 0; --i) {
    RdfPtr label(ldns_dname_label(lower.get(), static_cast<std::uint8_t>(i)));
    std::string text = to_string(label.get());
    if (!text.empty() && text.back() == '.') text.pop_back();
    if (!key.empty()) key += '\0';
    key += text;
  }
  return key;
}

std::vector<std::string> ancestor_keys(const std::string& key) {
  std::vector<std::string> out{""};
  for (std::size_t pos = key.find('\0'); pos != std::string::npos; pos = key.find('\0', pos + 1))
    out.push_back(key.substr(0, pos));
  if (!key.empty()) out.push_back(key);
  return out;
}

bool key_is_at_or_below(const std::string& key, const std::string& ancestor) {
  if (ancestor.empty()) return true;
  if (key.size() < ancestor.size() || key.compare(0, ancestor.size(), ancestor) != 0) return false;
  return key.size() == ancestor.size() || key[ancestor.size()] == '\0';
}

}  // namespace stslab::dns
