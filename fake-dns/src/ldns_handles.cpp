#include "stslab/dns/ldns_handles.hpp"

#include <cstdlib>
#include <stdexcept>

namespace stslab::dns {
namespace {

// ldns returns malloc'ed strings; copy and free.
std::string take(char* text) {
  if (text == nullptr) return {};
  std::string out(text);
  std::free(text);
  return out;
}

}  // namespace

RrPtr clone(const ldns_rr* rr) {
  return RrPtr(ldns_rr_clone(rr));
}
RdfPtr clone(const ldns_rdf* rdf) {
  return RdfPtr(ldns_rdf_clone(rdf));
}

std::string to_string(const ldns_rr* rr) {
  std::string text = take(ldns_rr2str(rr));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  return text;
}

std::string to_string(const ldns_rdf* rdf) {
  return take(ldns_rdf2str(rdf));
}

std::string type_mnemonic(ldns_rr_type type) {
  return take(ldns_rr_type2str(type));
}

std::string rcode_mnemonic(unsigned rcode) {
  // ldns knows the 4-bit header rcodes; the EDNS extended ones we send are named here.
  if (rcode == 16) return "BADVERS";
  if (rcode < 16) return take(ldns_pkt_rcode2str(static_cast<ldns_pkt_rcode>(rcode)));
  return "RCODE" + std::to_string(rcode);
}

std::vector<std::uint8_t> to_wire(const ldns_pkt* pkt) {
  std::uint8_t* wire = nullptr;
  std::size_t size = 0;
  ldns_status status = ldns_pkt2wire(&wire, pkt, &size);
  if (status != LDNS_STATUS_OK) {
    std::free(wire);
    throw std::runtime_error(std::string("ldns_pkt2wire: ") + ldns_get_errorstr_by_id(status));
  }
  std::vector<std::uint8_t> out(wire, wire + size);
  std::free(wire);
  return out;
}

PktPtr from_wire(std::span<const std::uint8_t> wire, ldns_status& status) {
  ldns_pkt* pkt = nullptr;
  status = ldns_wire2pkt(&pkt, wire.data(), wire.size());
  if (status != LDNS_STATUS_OK) {
    ldns_pkt_free(pkt);
    return nullptr;
  }
  return PktPtr(pkt);
}

}  // namespace stslab::dns
