#include "stslab/dns/record.hpp"

#include <algorithm>

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

std::string txt_rdata(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i == 0 || i < text.size(); i += 255) {
    out += out.empty() ? "\"" : " \"";
    for (char c : text.substr(i, 255)) {
      const auto octet = static_cast<unsigned char>(c);
      if (octet < 0x20 || octet > 0x7e) {
        // RFC 1035 §5.1 \DDD: ldns reads the text as a C string, so a raw NUL would end it,
        // and control octets are not zone-file text.
        out += '\\';
        out += static_cast<char>('0' + octet / 100);
        out += static_cast<char>('0' + octet / 10 % 10);
        out += static_cast<char>('0' + octet % 10);
        continue;
      }
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out;
}

std::string txt_joined(const ldns_rr* rr) {
  std::string joined;
  for (std::size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
    const ldns_rdf* rdf = ldns_rr_rdf(rr, i);
    const std::uint8_t* data = ldns_rdf_data(rdf);
    const std::size_t size = ldns_rdf_size(rdf);
    if (size == 0) continue;
    const std::size_t len = std::min<std::size_t>(data[0], size - 1);
    joined.append(reinterpret_cast<const char*>(data + 1), len);
  }
  return joined;
}

}  // namespace stslab::dns
