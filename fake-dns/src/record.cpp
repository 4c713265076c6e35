#include "stslab/dns/record.hpp"

namespace stslab::dns {

RecordError::RecordError(std::string text, std::string reason)
    : std::invalid_argument("bad DNS record \"" + text + "\": " + reason),
      text_(std::move(text)),
      reason_(std::move(reason)) {}

RrPtr parse_record(std::string_view text, std::uint32_t default_ttl) {
  // A root origin makes names without a trailing dot absolute instead of relative.
  RdfPtr root(ldns_dname_new_frm_str("."));
  std::string owned(text);
  ldns_rr* rr = nullptr;
  ldns_status status = ldns_rr_new_frm_str(&rr, owned.c_str(), default_ttl, root.get(), nullptr);
  if (status != LDNS_STATUS_OK || rr == nullptr) {
    ldns_rr_free(rr);
    throw RecordError(owned, ldns_get_errorstr_by_id(status));
  }
  return RrPtr(rr);
}

ldns_rr_type parse_type(std::string_view mnemonic) {
  std::string owned(mnemonic);
  ldns_rr_type type = ldns_get_rr_type_by_name(owned.c_str());
  if (type == 0) throw RecordError(owned, "unknown record type");
  return type;
}

}  // namespace stslab::dns
