#include "stslab/dns/responder.hpp"

#include <algorithm>
#include <exception>

#include "stslab/dns/name.hpp"

namespace stslab::dns {
namespace {

constexpr unsigned kBadVers = 16;            // EDNS extended rcode (RFC 6891)
constexpr std::size_t kPlainUdpLimit = 512;  // a UDP reply's limit without EDNS (RFC 1035)
constexpr std::size_t kTcpLimit = 65535;     // what a TCP length prefix can carry

std::string asked_name(const ldns_rdf* qname) {
  std::string text = to_string(qname);
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

Exchange bad_query(std::string_view reason, std::string_view detail, Transport transport,
                   std::string_view client, std::string_view server,
                   std::span<const std::uint8_t> message) {
  Exchange ex;
  ex.kind = "dns.bad_query";
  ex.data = {{"reason", reason}, {"detail", detail}, {"transport", to_string(transport)},
             {"client", client}, {"server", server}, {"size", message.size()},
             {"rcode", nullptr}, {"id", nullptr}};
  if (message.size() >= LDNS_HEADER_SIZE) ex.data["id"] = LDNS_ID_WIRE(message.data());
  return ex;
}

// A reply of just a header, for queries whose question cannot be trusted: it keeps the ID,
// opcode and RD of the query so the client can match it.
Exchange with_header_reply(Exchange ex, std::span<const std::uint8_t> message, unsigned rcode) {
  PktPtr reply(ldns_pkt_new());
  ldns_pkt_set_id(reply.get(), LDNS_ID_WIRE(message.data()));
  ldns_pkt_set_qr(reply.get(), true);
  ldns_pkt_set_opcode(reply.get(), static_cast<ldns_pkt_opcode>(LDNS_OPCODE_WIRE(message.data())));
  ldns_pkt_set_rd(reply.get(), LDNS_RD_WIRE(message.data()) != 0);
  ldns_pkt_set_ra(reply.get(), true);
  ldns_pkt_set_rcode(reply.get(), static_cast<std::uint8_t>(rcode));
  ex.reply = to_wire(reply.get());
  ex.data["rcode"] = rcode_mnemonic(rcode);
  return ex;
}

nlohmann::json edns_json(const ldns_pkt* query) {
  if (!ldns_pkt_edns(query)) return nullptr;
  return {{"udp_size", ldns_pkt_edns_udp_size(query)},
          {"version", ldns_pkt_edns_version(query)},
          {"do", ldns_pkt_edns_do(query)}};
}

// Builds replies to one well-formed query; the same query may need a second, truncated reply.
class ReplyBuilder {
 public:
  ReplyBuilder(const ldns_pkt* query, const Lookup& lookup, const ResponderLimits& limits)
      : query_(query), lookup_(lookup), limits_(limits) {}

  PktPtr build(unsigned rcode, bool with_records, bool truncated) const {
    PktPtr reply(ldns_pkt_new());
    ldns_pkt* r = reply.get();
    ldns_pkt_set_id(r, ldns_pkt_id(query_));
    ldns_pkt_set_qr(r, true);
    ldns_pkt_set_opcode(r, LDNS_PACKET_QUERY);
    // We act as the MTA's resolver and as the authority for everything: RA and AA.
    ldns_pkt_set_aa(r, true);
    ldns_pkt_set_ra(r, true);
    ldns_pkt_set_rd(r, ldns_pkt_rd(query_));
    ldns_pkt_set_cd(r, ldns_pkt_cd(query_));
    ldns_pkt_set_tc(r, truncated);
    ldns_pkt_set_rcode(r, static_cast<std::uint8_t>(rcode & 0x0f));
    // The question is echoed byte for byte, so a 0x20-randomized name comes back as sent.
    ldns_pkt_push_rr(r, LDNS_SECTION_QUESTION,
                     ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_question(query_), 0)));
    if (with_records) {
      for (const auto& rr : lookup_.answer)
        ldns_pkt_push_rr(r, LDNS_SECTION_ANSWER, ldns_rr_clone(rr.get()));
      for (const auto& rr : lookup_.authority)
        ldns_pkt_push_rr(r, LDNS_SECTION_AUTHORITY, ldns_rr_clone(rr.get()));
    }
    if (ldns_pkt_edns(query_)) {
      ldns_pkt_set_edns_udp_size(r, limits_.edns_udp_size);
      ldns_pkt_set_edns_version(r, 0);
      ldns_pkt_set_edns_do(r, ldns_pkt_edns_do(query_));
      ldns_pkt_set_edns_extended_rcode(r, static_cast<std::uint8_t>(rcode >> 4));
    }
    return reply;
  }

 private:
  const ldns_pkt* query_;
  const Lookup& lookup_;
  const ResponderLimits& limits_;
};

Exchange answer(const ldns_pkt* query, Transport transport, const Zone& zone,
                const ResponderLimits& limits, std::string_view client, std::string_view server) {
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(query), 0);
  const ldns_rdf* qname = ldns_rr_owner(question);
  const ldns_rr_type qtype = ldns_rr_get_type(question);
  const ldns_rr_class qclass = ldns_rr_get_class(question);

  Exchange ex;
  ex.kind = "dns.query";
  ex.domain = display_name(qname);
  ex.data = {
      {"qname", asked_name(qname)},
      {"qtype", type_mnemonic(qtype)},
      {"qclass", qclass == LDNS_RR_CLASS_IN ? std::string("IN") : "CLASS" + std::to_string(qclass)},
      {"id", ldns_pkt_id(query)},
      {"transport", to_string(transport)},
      {"client", client},
      {"server", server},
      {"edns", edns_json(query)},
      {"rcode", nullptr},
      {"answer_count", 0},
      {"answers", nlohmann::json::array()},
      {"truncated", false},
      {"fault", nullptr},
      {"scripted", false}};

  const Lookup lookup = zone.lookup(qname, qtype);
  ex.data["scripted"] = lookup.scripted;
  const bool truncate_fault = lookup.fault == Fault::truncate;
  // A truncate fault only applies over UDP; over TCP the client gets the real answer.
  if (lookup.fault && !(truncate_fault && transport == Transport::tcp))
    ex.data["fault"] = to_string(*lookup.fault);
  if (lookup.fault == Fault::timeout) return ex;  // no reply at all

  unsigned rcode = lookup.rcode;
  bool with_records = true;
  bool truncated = truncate_fault && transport == Transport::udp;
  if (ldns_pkt_edns(query) && ldns_pkt_edns_version(query) != 0) {
    rcode = kBadVers;
    with_records = false;
  } else if (qclass != LDNS_RR_CLASS_IN && qclass != LDNS_RR_CLASS_ANY) {
    rcode = LDNS_RCODE_REFUSED;  // the lab has data only in class IN
    with_records = false;
  }
  if (truncated) with_records = false;

  ReplyBuilder builder(query, lookup, limits);
  PktPtr reply = builder.build(rcode, with_records, truncated);
  std::vector<std::uint8_t> wire = to_wire(reply.get());

  std::size_t limit = kTcpLimit;
  if (transport == Transport::udp)
    limit = ldns_pkt_edns(query)
                ? std::max<std::size_t>(kPlainUdpLimit, ldns_pkt_edns_udp_size(query))
                : kPlainUdpLimit;
  if (wire.size() > limit) {
    // Too big for the client's buffer: over UDP send TC=1 and no records so it retries over
    // TCP; over TCP it cannot be framed at all.
    if (transport == Transport::udp) {
      truncated = true;
    } else {
      rcode = LDNS_RCODE_SERVFAIL;
    }
    reply = builder.build(rcode, false, truncated);
    wire = to_wire(reply.get());
  }

  nlohmann::json answers = nlohmann::json::array();
  const ldns_rr_list* sent = ldns_pkt_answer(reply.get());
  for (std::size_t i = 0; i < ldns_rr_list_rr_count(sent); ++i)
    answers.push_back(to_string(ldns_rr_list_rr(sent, i)));
  ex.data["rcode"] = rcode_mnemonic(rcode);
  ex.data["answer_count"] = answers.size();
  ex.data["answers"] = std::move(answers);
  ex.data["truncated"] = truncated;
  ex.reply = std::move(wire);
  return ex;
}

Exchange respond_unchecked(std::span<const std::uint8_t> message, Transport transport,
                           const Zone& zone, const ResponderLimits& limits, std::string_view client,
                           std::string_view server) {
  auto bad = [&](std::string_view reason, std::string_view detail) {
    return bad_query(reason, detail, transport, client, server, message);
  };
  if (message.size() < LDNS_HEADER_SIZE) return bad("short_header", "shorter than a DNS header");
  // Never answer a response: two servers could bounce error replies at each other forever.
  if (LDNS_QR_WIRE(message.data())) return bad("response", "QR bit set");

  const std::size_t max = transport == Transport::udp ? limits.max_udp_query : limits.max_tcp_query;
  if (message.size() > max)
    return with_header_reply(
        bad("oversized", std::to_string(message.size()) + " bytes > " + std::to_string(max)),
        message, LDNS_RCODE_FORMERR);

  const unsigned opcode = LDNS_OPCODE_WIRE(message.data());
  if (opcode != LDNS_PACKET_QUERY)
    return with_header_reply(bad("opcode", "opcode " + std::to_string(opcode)), message,
                             LDNS_RCODE_NOTIMPL);

  ldns_status status = LDNS_STATUS_OK;
  PktPtr query = from_wire(message, status);
  if (!query)
    return with_header_reply(bad("malformed", ldns_get_errorstr_by_id(status)), message,
                             LDNS_RCODE_FORMERR);
  if (ldns_pkt_qdcount(query.get()) != 1)
    return with_header_reply(
        bad("question_count", std::to_string(ldns_pkt_qdcount(query.get())) + " questions"),
        message, LDNS_RCODE_FORMERR);

  return answer(query.get(), transport, zone, limits, client, server);
}

}  // namespace

std::string_view to_string(Transport transport) {
  return transport == Transport::udp ? "udp" : "tcp";
}

Exchange respond(std::span<const std::uint8_t> message, Transport transport, const Zone& zone,
                 const ResponderLimits& limits, std::string_view client, std::string_view server) {
  try {
    return respond_unchecked(message, transport, zone, limits, client, server);
  } catch (const std::exception& e) {
    // A bug or an ldns failure on odd input: record it, send nothing, keep serving.
    return server_error(e.what(), transport, client, server, message.size());
  }
}

Exchange transport_error(std::string_view reason, std::string_view detail, Transport transport,
                         std::string_view client, std::string_view server, std::size_t size) {
  Exchange ex;
  ex.kind = "dns.bad_query";
  ex.data = {{"reason", reason}, {"detail", detail}, {"transport", to_string(transport)},
             {"client", client}, {"server", server}, {"size", size},
             {"rcode", nullptr}, {"id", nullptr}};
  return ex;
}

Exchange server_error(std::string_view what, Transport transport, std::string_view client,
                      std::string_view server, std::size_t size) {
  Exchange ex;
  ex.kind = "dns.error";
  ex.data = {{"what", what},
             {"transport", to_string(transport)},
             {"client", client},
             {"server", server},
             {"size", size}};
  return ex;
}

}  // namespace stslab::dns
