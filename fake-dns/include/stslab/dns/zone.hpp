// The lab's DNS data: records written in zone-file syntax, the domains scenarios script, and
// per-name faults. Thread-safe: the harness changes it from its own thread while the server
// answers from the io_context's threads.
//
// A name is "scripted" when it is at or below a scripted domain: a domain declared with
// add_domain(), or the owner name of any record. A query for anything else is one nobody
// scripted; the server still answers it (NXDOMAIN) but the journal marks it scripted=false.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "stslab/dns/fault.hpp"
#include "stslab/dns/ldns_handles.hpp"

namespace stslab::dns {

struct ZoneSettings {
  std::uint32_t default_ttl = 5;   // for record text without a TTL
  std::uint32_t negative_ttl = 1;  // TTL and minimum of synthesized SOAs (negative caching)
  std::size_t max_cname_chain = 8;
};

// A fault scripted for queries for exactly `name` (any type, or only `type`): Zone::set_fault's
// arguments as data, for a change of world that sets records and faults in one step.
struct ScriptedFault {
  std::string name;
  Fault fault = Fault::servfail;
  std::optional<std::string> type;  // "TXT", ...; nullopt = every type
};

// The zone's answer to one question, before it becomes a packet.
struct Lookup {
  unsigned rcode = LDNS_RCODE_NOERROR;
  std::vector<RrPtr> answer;     // owners carry the query's spelling (0x20 case preserved)
  std::vector<RrPtr> authority;  // the SOA of a negative answer
  bool scripted = false;
  std::optional<Fault> fault;  // the fault scripted for this name and type, if any
};

class Zone {
 public:
  explicit Zone(ZoneSettings settings = {});
  Zone(const Zone&) = delete;
  Zone& operator=(const Zone&) = delete;

  // Adds records (duplicates are merged; a repeated record takes the new TTL). All or nothing:
  // if one text does not parse, nothing is added and RecordError names it.
  void add(std::string_view record);
  void add(const std::vector<std::string>& records);
  // Lets zone.add({"a. A 127.0.0.1", "b. A 127.0.0.2"}) pick this overload: two string
  // literals in braces would otherwise also read as a string_view(first, last).
  void add(std::initializer_list<std::string_view> records);

  // Declares a scripted domain: the owner of synthesized SOAs below it, and scripted=true for
  // queries at or below it even where it has no records.
  void add_domain(std::string_view domain);

  // Removes the records of `name` (only those of `type`, if given). Returns how many.
  std::size_t remove(std::string_view name, std::optional<std::string_view> type = {});

  // Replaces the RRset name+type with `records`, which must all have that owner and type
  // (empty: the RRset is deleted). All or nothing. Throws RecordError.
  void replace(std::string_view name, std::string_view type,
               const std::vector<std::string>& records);

  // A scenario's cleanup: removes every record, declared domain and fault at or below
  // `domain`. Returns the number of records removed.
  std::size_t clear_below(std::string_view domain);
  void clear();

  // A scenario's change of world, in one step: what clear_below(domain), add_domain(domain) and
  // add(records) would leave, with no query answered in between (one of those would see the
  // domain gone: NXDOMAIN), plus `faults` scripted as set_fault would. All or nothing: a
  // record, name or type that does not parse changes nothing.
  void replace_below(std::string_view domain, const std::vector<std::string>& records,
                     const std::vector<ScriptedFault>& faults = {});

  // Records in presentation format, in name order (all, or those at or below `domain`).
  std::vector<std::string> list(std::string_view domain = "") const;

  // Scripts a fault for queries for exactly `name` (any type, or only `type`). A fault for the
  // query's type wins over one for any type.
  void set_fault(std::string_view name, Fault fault, std::optional<std::string_view> type = {});
  // Removes the fault for `name` (the any-type one, or the one for `type`).
  void clear_fault(std::string_view name, std::optional<std::string_view> type = {});

  // Answers one question: the RRset, NODATA, NXDOMAIN, CNAME chains (followed while the target
  // is local, at most max_cname_chain links, each name once), and the scripted fault.
  Lookup lookup(const ldns_rdf* qname, ldns_rr_type qtype) const;

  ZoneSettings settings() const;

 private:
  struct Node {
    RdfPtr owner;
    std::vector<RrPtr> records;
  };
  static constexpr int kAnyType = -1;

  std::vector<RrPtr> parse_all(const std::vector<std::string>& texts) const;
  void insert_locked(RrPtr rr);
  std::size_t clear_below_locked(const std::string& key);
  bool exists_locked(const std::string& key) const;
  bool scripted_locked(const std::string& key) const;
  std::optional<Fault> fault_locked(const std::string& key, ldns_rr_type qtype) const;
  RrPtr negative_soa_locked(const std::string& key) const;
  void resolve_locked(const ldns_rdf* qname, ldns_rr_type qtype, Lookup& out) const;

  const ZoneSettings settings_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, Node> nodes_;      // name key -> records (only names with records)
  std::map<std::string, RdfPtr> domains_;  // declared scripted domains
  std::map<std::string, std::map<int, Fault>> faults_;  // name key -> (qtype | kAnyType)
};

}  // namespace stslab::dns
