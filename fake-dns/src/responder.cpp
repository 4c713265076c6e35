#include "stslab/dns/responder.hpp"

#include <algorithm>
#include <exception>

#include "stslab/core/events/dns.hpp"
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

// The exchange that journals `event` (about `domain`), with no reply yet.
template <class Event>
Exchange exchange_of(const Event& event, std::string domain = "") {
  Exchange ex;
  ex.kind = Event::kind;
  ex.domain = std::move(domain);
  ex.data = core::events::to_data(event);
  return ex;
}

core::events::DnsBadQuery bad_query(std::string_view reason, std::string_view detail,
                                    Transport transport, std::string_view client,
                                    std::string_view server, std::size_t size) {
  return {.client = std::string(client),
          .server = std::string(server),
          .transport = std::string(to_string(transport)),
          .reason = std::string(reason),
          .detail = std::string(detail),
          .size = size};
}

// A reply of just a header, for queries whose question cannot be trusted: it keeps the ID,
// opcode and RD of the query so the client can match it.
Exchange with_header_reply(core::events::DnsBadQuery event, std::span<const std::uint8_t> message,
                           unsigned rcode) {
  PktPtr reply(ldns_pkt_new());
  ldns_pkt_set_id(reply.get(), LDNS_ID_WIRE(message.data()));
  ldns_pkt_set_qr(reply.get(), true);
  ldns_pkt_set_opcode(reply.get(), static_cast<ldns_pkt_opcode>(LDNS_OPCODE_WIRE(message.data())));
  ldns_pkt_set_rd(reply.get(), LDNS_RD_WIRE(message.data()) != 0);
  ldns_pkt_set_ra(reply.get(), true);
  ldns_pkt_set_rcode(reply.get(), static_cast<std::uint8_t>(rcode));
  event.rcode = rcode_mnemonic(rcode);
  Exchange ex = exchange_of(event);
  ex.reply = to_wire(reply.get());
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

  core::events::DnsQuery event{
      .client = std::string(client),
      .server = std::string(server),
      .transport = std::string(to_string(transport)),
      .qname = asked_name(qname),
      .qtype = type_mnemonic(qtype),
      .qclass = qclass == LDNS_RR_CLASS_IN ? std::string("IN") : "CLASS" + std::to_string(qclass),
      .id = ldns_pkt_id(query),
      .edns = edns_json(query)};

  const Lookup lookup = zone.lookup(qname, qtype);
  event.scripted = lookup.scripted;
  const bool truncate_fault = lookup.fault == Fault::truncate;
  // A truncate fault only applies over UDP; over TCP the client gets the real answer.
  if (lookup.fault && !(truncate_fault && transport == Transport::tcp))
    event.fault = std::string(to_string(*lookup.fault));
  if (lookup.fault == Fault::timeout) return exchange_of(event, display_name(qname));  // no reply

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

  const ldns_rr_list* sent = ldns_pkt_answer(reply.get());
  for (std::size_t i = 0; i < ldns_rr_list_rr_count(sent); ++i)
    event.answers.push_back(to_string(ldns_rr_list_rr(sent, i)));
  event.rcode = rcode_mnemonic(rcode);
  event.answer_count = event.answers.size();
  event.truncated = truncated;
  Exchange ex = exchange_of(event, display_name(qname));
  ex.reply = std::move(wire);
  return ex;
}

Exchange respond_unchecked(std::span<const std::uint8_t> message, Transport transport,
                           const Zone& zone, const ResponderLimits& limits, std::string_view client,
                           std::string_view server) {
  auto bad = [&](std::string_view reason, std::string_view detail) {
    auto event = bad_query(reason, detail, transport, client, server, message.size());
    if (message.size() >= LDNS_HEADER_SIZE) event.id = LDNS_ID_WIRE(message.data());
    return event;
  };
  if (message.size() < LDNS_HEADER_SIZE)
    return exchange_of(bad("short_header", "shorter than a DNS header"));
  // Never answer a response: two servers could bounce error replies at each other forever.
  if (LDNS_QR_WIRE(message.data())) return exchange_of(bad("response", "QR bit set"));

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
  return exchange_of(bad_query(reason, detail, transport, client, server, size));
}

Exchange server_error(std::string_view what, Transport transport, std::string_view client,
                      std::string_view server, std::size_t size) {
  return exchange_of(core::events::DnsError{.client = std::string(client),
                                            .server = std::string(server),
                                            .transport = std::string(to_string(transport)),
                                            .what = std::string(what),
                                            .size = size});
}

}  // namespace stslab::dns
