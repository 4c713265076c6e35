#include "stslab/sender/resolver.hpp"

#include <cstdlib>
#include <stdexcept>

#include "stslab/dns/ldns_handles.hpp"  // the only way in to ldns (see its note on bool)
#include "stslab/dns/record.hpp"
#include "stslab/sender/mx_pattern.hpp"

namespace stslab::sender {
namespace {

// CNAME hops followed on our side when a server answers with the alias only (STS-DISC-08).
constexpr int kMaxCnameHops = 8;

struct ResolverDeleter {
  void operator()(ldns_resolver* r) const { ldns_resolver_deep_free(r); }
};

std::string dname_text(const ldns_rdf* rdf) {
  char* text = ldns_rdf2str(rdf);
  if (!text) return {};
  std::string out = normalize_host(text);
  std::free(text);
  return out;
}

// Splits "HOST", "HOST:PORT", "[V6]:PORT".
std::pair<std::string, std::uint16_t> split_server(const std::string& spec) {
  std::string host = spec;
  std::string port;
  if (spec.starts_with('[')) {
    const auto close = spec.find(']');
    if (close == std::string::npos) throw std::invalid_argument("bad --dns " + spec);
    host = spec.substr(1, close - 1);
    if (close + 1 < spec.size()) {
      if (spec[close + 1] != ':') throw std::invalid_argument("bad --dns " + spec);
      port = spec.substr(close + 2);
    }
  } else if (auto colon = spec.find(':'); colon != std::string::npos) {
    host = spec.substr(0, colon);
    port = spec.substr(colon + 1);
  }
  unsigned long n = 53;
  if (!port.empty()) {
    char* end = nullptr;
    n = std::strtoul(port.c_str(), &end, 10);
    if (*end != '\0' || n == 0 || n > 65535) throw std::invalid_argument("bad --dns port " + port);
  }
  return {host, static_cast<std::uint16_t>(n)};
}

}  // namespace

struct Resolver::Impl {
  std::unique_ptr<ldns_resolver, ResolverDeleter> res;

  // One query; the answer section's records of `type`, after following CNAMEs.
  template <class T, class Convert>
  DnsResult<T> lookup(const std::string& name, ldns_rr_type type, Convert convert) {
    DnsResult<T> out;
    std::string current = name;
    for (int hop = 0; hop <= kMaxCnameHops; ++hop) {
      dns::RdfPtr qname(ldns_dname_new_frm_str((current + ".").c_str()));
      if (!qname) {
        out.detail = "bad name " + current;
        return out;
      }
      // ldns marks a server that timed out as unreachable and then refuses to ask it again;
      // one slow name (a TXT timeout) must not fail the MX lookup that follows.
      for (std::size_t i = 0; i < ldns_resolver_nameserver_count(res.get()); ++i) {
        ldns_resolver_set_nameserver_rtt(res.get(), i, LDNS_RESOLV_RTT_MIN);
      }
      ldns_pkt* raw = nullptr;
      const ldns_status st =
          ldns_resolver_send(&raw, res.get(), qname.get(), type, LDNS_RR_CLASS_IN, LDNS_RD);
      dns::PktPtr pkt(raw);
      if (st != LDNS_STATUS_OK || !pkt) {
        out.detail = std::string("query ") + current + ": " + ldns_get_errorstr_by_id(st);
        return out;
      }
      const auto rcode = ldns_pkt_get_rcode(pkt.get());
      if (rcode == LDNS_RCODE_NXDOMAIN) {
        out.status = DnsStatus::nxdomain;
        return out;
      }
      if (rcode != LDNS_RCODE_NOERROR) {
        out.detail = current + ": " + dns::rcode_mnemonic(rcode);
        return out;
      }
      const ldns_rr_list* answer = ldns_pkt_answer(pkt.get());
      std::string alias_target;
      for (std::size_t i = 0; answer && i < ldns_rr_list_rr_count(answer); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(answer, i);
        if (ldns_rr_get_type(rr) == type) {
          if (auto v = convert(rr)) out.records.push_back(std::move(*v));
        } else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME && ldns_rr_rd_count(rr) == 1 &&
                   dname_text(ldns_rr_owner(rr)) == normalize_host(current)) {
          alias_target = dname_text(ldns_rr_rdf(rr, 0));
        }
      }
      if (!out.records.empty()) {
        out.status = DnsStatus::ok;
        return out;
      }
      if (alias_target.empty()) {
        out.status = DnsStatus::nodata;
        return out;
      }
      current = alias_target;  // the server gave the alias only: ask for its target
    }
    out.detail = "CNAME chain longer than " + std::to_string(kMaxCnameHops);
    return out;
  }
};

Resolver::Resolver(const std::string& server, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  ldns_resolver* raw = nullptr;
  if (server.empty()) {
    if (ldns_resolver_new_frm_file(&raw, nullptr) != LDNS_STATUS_OK || !raw) {
      throw std::runtime_error("cannot read the resolver configuration (/etc/resolv.conf)");
    }
    impl_->res.reset(raw);
  } else {
    auto [host, port] = split_server(server);
    const bool v6 = host.find(':') != std::string::npos;
    dns::RdfPtr address(
        ldns_rdf_new_frm_str(v6 ? LDNS_RDF_TYPE_AAAA : LDNS_RDF_TYPE_A, host.c_str()));
    if (!address) throw std::invalid_argument("--dns wants an IP address, not '" + host + "'");
    impl_->res.reset(ldns_resolver_new());
    ldns_resolver_push_nameserver(impl_->res.get(), address.get());
    ldns_resolver_set_port(impl_->res.get(), port);
  }
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ldns_resolver_set_timeout(impl_->res.get(), tv);
  ldns_resolver_set_retry(impl_->res.get(), 1);
  ldns_resolver_set_recursive(impl_->res.get(), true);
  ldns_resolver_set_dnssec(impl_->res.get(), false);
  // We never want the search list: every name we ask for is absolute.
  ldns_resolver_set_defnames(impl_->res.get(), false);
  ldns_resolver_set_dnsrch(impl_->res.get(), false);
}

Resolver::~Resolver() = default;

DnsResult<std::string> Resolver::txt(const std::string& name) {
  return impl_->lookup<std::string>(name, LDNS_RR_TYPE_TXT,
                                    [](const ldns_rr* rr) -> std::optional<std::string> {
                                      // §3.1: a record of several character-strings is their
                                      // concatenation, no separator.
                                      return dns::txt_joined(rr);
                                    });
}

DnsResult<MxRecord> Resolver::mx(const std::string& name) {
  return impl_->lookup<MxRecord>(
      name, LDNS_RR_TYPE_MX, [](const ldns_rr* rr) -> std::optional<MxRecord> {
        if (ldns_rr_rd_count(rr) != 2) return std::nullopt;
        return MxRecord{ldns_rdf2native_int16(ldns_rr_rdf(rr, 0)), dname_text(ldns_rr_rdf(rr, 1))};
      });
}

DnsResult<boost::asio::ip::address_v4> Resolver::a(const std::string& name) {
  return impl_->lookup<boost::asio::ip::address_v4>(
      name, LDNS_RR_TYPE_A, [](const ldns_rr* rr) -> std::optional<boost::asio::ip::address_v4> {
        if (ldns_rr_rd_count(rr) != 1 || ldns_rdf_size(ldns_rr_rdf(rr, 0)) != 4)
          return std::nullopt;
        boost::asio::ip::address_v4::bytes_type bytes;
        std::copy_n(ldns_rdf_data(ldns_rr_rdf(rr, 0)), 4, bytes.begin());
        return boost::asio::ip::address_v4(bytes);
      });
}

}  // namespace stslab::sender
