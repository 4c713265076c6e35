#include "stslab/dns/zone.hpp"

#include <mutex>
#include <set>

#include "stslab/dns/name.hpp"
#include "stslab/dns/record.hpp"

namespace stslab::dns {
namespace {

// Erases the entries of `map` at or below `key`. They form one contiguous run starting at
// lower_bound(key), because '\0' (the label separator) sorts before every label character.
template <class Map, class OnErase>
void erase_at_or_below(Map& map, const std::string& key, OnErase on_erase) {
  auto it = map.lower_bound(key);
  while (it != map.end() && key_is_at_or_below(it->first, key)) {
    on_erase(it->second);
    it = map.erase(it);
  }
}

// A copy of `rr` owned by `owner` (the spelling the client used, for 0x20).
RrPtr with_owner(const ldns_rr* rr, const ldns_rdf* owner) {
  RrPtr copy = clone(rr);
  ldns_rdf* old = ldns_rr_owner(copy.get());
  ldns_rr_set_owner(copy.get(), ldns_rdf_clone(owner));
  ldns_rdf_deep_free(old);
  return copy;
}

}  // namespace

Zone::Zone(ZoneSettings settings) : settings_(settings) {}

ZoneSettings Zone::settings() const {
  return settings_;
}

std::vector<RrPtr> Zone::parse_all(const std::vector<std::string>& texts) const {
  std::vector<RrPtr> out;
  out.reserve(texts.size());
  for (const auto& text : texts)
    out.push_back(parse_record(text, settings_.default_ttl));
  return out;
}

void Zone::add(std::string_view record) {
  RrPtr rr = parse_record(record, settings_.default_ttl);
  std::unique_lock lock(mutex_);
  insert_locked(std::move(rr));
}

void Zone::add(const std::vector<std::string>& records) {
  std::vector<RrPtr> parsed = parse_all(records);
  std::unique_lock lock(mutex_);
  for (auto& rr : parsed)
    insert_locked(std::move(rr));
}

void Zone::add(std::initializer_list<std::string_view> records) {
  add(std::vector<std::string>(records.begin(), records.end()));
}

void Zone::insert_locked(RrPtr rr) {
  Node& node = nodes_[name_key(ldns_rr_owner(rr.get()))];
  if (!node.owner) node.owner = clone(ldns_rr_owner(rr.get()));
  // An RRset is a set: the same record again (ldns_rr_compare ignores the TTL) replaces it.
  for (auto& existing : node.records) {
    if (ldns_rr_compare(existing.get(), rr.get()) == 0) {
      existing = std::move(rr);
      return;
    }
  }
  node.records.push_back(std::move(rr));
}

void Zone::add_domain(std::string_view domain) {
  RdfPtr name = parse_name(domain);
  std::string key = name_key(name.get());
  std::unique_lock lock(mutex_);
  domains_.try_emplace(std::move(key), std::move(name));
}

std::size_t Zone::remove(std::string_view name, std::optional<std::string_view> type) {
  std::string key = name_key(parse_name(name).get());
  std::optional<ldns_rr_type> only;
  if (type) only = parse_type(*type);
  std::unique_lock lock(mutex_);
  auto it = nodes_.find(key);
  if (it == nodes_.end()) return 0;
  auto& records = it->second.records;
  std::size_t before = records.size();
  std::erase_if(records,
                [&](const RrPtr& rr) { return !only || ldns_rr_get_type(rr.get()) == *only; });
  std::size_t removed = before - records.size();
  if (records.empty()) nodes_.erase(it);
  return removed;
}

void Zone::replace(std::string_view name, std::string_view type,
                   const std::vector<std::string>& records) {
  std::string key = name_key(parse_name(name).get());
  ldns_rr_type rrtype = parse_type(type);
  std::vector<RrPtr> parsed = parse_all(records);
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    if (name_key(ldns_rr_owner(parsed[i].get())) != key ||
        ldns_rr_get_type(parsed[i].get()) != rrtype)
      throw RecordError(records[i],
                        "not a " + std::string(type) + " record of " + std::string(name));
  }
  std::unique_lock lock(mutex_);
  if (auto it = nodes_.find(key); it != nodes_.end()) {
    std::erase_if(it->second.records,
                  [&](const RrPtr& rr) { return ldns_rr_get_type(rr.get()) == rrtype; });
    if (it->second.records.empty()) nodes_.erase(it);
  }
  for (auto& rr : parsed)
    insert_locked(std::move(rr));
}

std::size_t Zone::clear_below(std::string_view domain) {
  std::string key = name_key(parse_name(domain).get());
  std::unique_lock lock(mutex_);
  return clear_below_locked(key);
}

std::size_t Zone::clear_below_locked(const std::string& key) {
  std::size_t removed = 0;
  erase_at_or_below(nodes_, key, [&](const Node& node) { removed += node.records.size(); });
  erase_at_or_below(domains_, key, [](const RdfPtr&) {});
  erase_at_or_below(faults_, key, [](const std::map<int, Fault>&) {});
  return removed;
}

void Zone::replace_below(std::string_view domain, const std::vector<std::string>& records,
                         const std::vector<ScriptedFault>& faults) {
  RdfPtr name = parse_name(domain);
  std::string key = name_key(name.get());
  std::vector<RrPtr> parsed = parse_all(records);
  std::vector<std::pair<std::string, int>> fault_keys;  // parsed before anything changes
  for (const auto& f : faults) {
    fault_keys.emplace_back(name_key(parse_name(f.name).get()),
                            f.type ? static_cast<int>(parse_type(*f.type)) : kAnyType);
  }
  std::unique_lock lock(mutex_);
  clear_below_locked(key);
  domains_.try_emplace(std::move(key), std::move(name));
  for (auto& rr : parsed)
    insert_locked(std::move(rr));
  for (std::size_t i = 0; i < faults.size(); ++i)
    faults_[fault_keys[i].first][fault_keys[i].second] = faults[i].fault;
}

void Zone::clear() {
  std::unique_lock lock(mutex_);
  nodes_.clear();
  domains_.clear();
  faults_.clear();
}

std::vector<std::string> Zone::list(std::string_view domain) const {
  std::string key = name_key(parse_name(domain).get());
  std::vector<std::string> out;
  std::shared_lock lock(mutex_);
  for (auto it = nodes_.lower_bound(key); it != nodes_.end(); ++it) {
    if (!key_is_at_or_below(it->first, key)) break;
    for (const auto& rr : it->second.records)
      out.push_back(to_string(rr.get()));
  }
  return out;
}

void Zone::set_fault(std::string_view name, Fault fault, std::optional<std::string_view> type) {
  std::string key = name_key(parse_name(name).get());
  int which = type ? static_cast<int>(parse_type(*type)) : kAnyType;
  std::unique_lock lock(mutex_);
  faults_[key][which] = fault;
}

void Zone::clear_fault(std::string_view name, std::optional<std::string_view> type) {
  std::string key = name_key(parse_name(name).get());
  int which = type ? static_cast<int>(parse_type(*type)) : kAnyType;
  std::unique_lock lock(mutex_);
  auto it = faults_.find(key);
  if (it == faults_.end()) return;
  it->second.erase(which);
  if (it->second.empty()) faults_.erase(it);
}

Lookup Zone::lookup(const ldns_rdf* qname, ldns_rr_type qtype) const {
  const std::string key = name_key(qname);
  Lookup out;
  std::shared_lock lock(mutex_);
  out.scripted = scripted_locked(key);
  out.fault = fault_locked(key, qtype);
  if (out.fault) {
    switch (*out.fault) {
      case Fault::servfail:
        out.rcode = LDNS_RCODE_SERVFAIL;
        return out;
      case Fault::refused:
        out.rcode = LDNS_RCODE_REFUSED;
        return out;
      case Fault::nxdomain:
        out.rcode = LDNS_RCODE_NXDOMAIN;
        out.authority.push_back(negative_soa_locked(key));
        return out;
      case Fault::timeout:
        return out;
      case Fault::truncate:
        break;  // UDP or TCP decides; the responder needs the real answer for TCP
    }
  }
  resolve_locked(qname, qtype, out);
  return out;
}

void Zone::resolve_locked(const ldns_rdf* qname, ldns_rr_type qtype, Lookup& out) const {
  RdfPtr current = clone(qname);
  std::set<std::string> visited;
  for (;;) {
    const std::string key = name_key(current.get());
    visited.insert(key);
    auto it = nodes_.find(key);
    static const std::vector<RrPtr> kNone;
    const auto& records = it == nodes_.end() ? kNone : it->second.records;

    const ldns_rr* cname = nullptr;
    bool matched = false;
    for (const auto& rr : records) {
      ldns_rr_type type = ldns_rr_get_type(rr.get());
      if (qtype == LDNS_RR_TYPE_ANY || type == qtype) {
        out.answer.push_back(with_owner(rr.get(), current.get()));
        matched = true;
      } else if (type == LDNS_RR_TYPE_CNAME && qtype != LDNS_RR_TYPE_CNAME) {
        cname = rr.get();
      }
    }
    if (matched) {
      out.rcode = LDNS_RCODE_NOERROR;
      return;
    }
    if (cname == nullptr) {
      out.rcode = exists_locked(key) ? LDNS_RCODE_NOERROR : LDNS_RCODE_NXDOMAIN;
      out.authority.push_back(negative_soa_locked(key));
      return;
    }
    out.answer.push_back(with_owner(cname, current.get()));
    const ldns_rdf* target = ldns_rr_rdf(cname, 0);
    const std::string target_key = name_key(target);
    // A loop, an over-long chain, or a target outside the lab's data ends the answer at this
    // CNAME; the client then asks for the target itself.
    out.rcode = LDNS_RCODE_NOERROR;
    if (visited.contains(target_key) || out.answer.size() >= settings_.max_cname_chain) return;
    if (!exists_locked(target_key) && !scripted_locked(target_key)) return;
    current = clone(target);
  }
}

bool Zone::exists_locked(const std::string& key) const {
  // A name exists if it has records or is an ancestor (empty non-terminal) of one that has.
  auto it = nodes_.lower_bound(key);
  return it != nodes_.end() && key_is_at_or_below(it->first, key);
}

bool Zone::scripted_locked(const std::string& key) const {
  for (const auto& ancestor : ancestor_keys(key))
    if (nodes_.contains(ancestor) || domains_.contains(ancestor)) return true;
  return false;
}

std::optional<Fault> Zone::fault_locked(const std::string& key, ldns_rr_type qtype) const {
  auto it = faults_.find(key);
  if (it == faults_.end()) return std::nullopt;
  if (auto t = it->second.find(static_cast<int>(qtype)); t != it->second.end()) return t->second;
  if (auto any = it->second.find(kAnyType); any != it->second.end()) return any->second;
  return std::nullopt;
}

RrPtr Zone::negative_soa_locked(const std::string& key) const {
  const auto ancestors = ancestor_keys(key);
  // A scripted SOA at the closest enclosing name wins ...
  for (auto a = ancestors.rbegin(); a != ancestors.rend(); ++a) {
    auto it = nodes_.find(*a);
    if (it == nodes_.end()) continue;
    for (const auto& rr : it->second.records)
      if (ldns_rr_get_type(rr.get()) == LDNS_RR_TYPE_SOA) return clone(rr.get());
  }
  // ... otherwise one is synthesized at the outermost scripted domain (the scenario's world),
  // or at the root for a name nobody scripted. The small minimum keeps negative caching short.
  std::string apex = ".";
  for (const auto& a : ancestors) {
    if (auto d = domains_.find(a); d != domains_.end()) {
      apex = to_string(d->second.get());
      break;
    }
    if (auto n = nodes_.find(a); n != nodes_.end()) {
      apex = to_string(n->second.owner.get());
      break;
    }
  }
  const std::string ttl = std::to_string(settings_.negative_ttl);
  return parse_record(apex + " " + ttl +
                          " IN SOA ns.stslab.invalid. hostmaster.stslab.invalid. 1 " +
                          "3600 600 86400 " + ttl,
                      settings_.negative_ttl);
}

}  // namespace stslab::dns
