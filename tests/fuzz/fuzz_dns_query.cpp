// fake-dns: one message from a peer (UDP datagram or TCP frame body) answered from a zone with
// the record kinds the lab publishes, a CNAME chain, a loop, a big TXT (truncation) and faults.
#include <cstddef>
#include <cstdint>
#include <span>

#include "stslab/dns/fault.hpp"
#include "stslab/dns/record.hpp"
#include "stslab/dns/responder.hpp"
#include "stslab/dns/zone.hpp"

namespace {

const stslab::dns::Zone& lab_zone() {
  static stslab::dns::Zone* zone = [] {
    auto* z = new stslab::dns::Zone();
    z->add_domain("a.test");
    z->add({"a.test. MX 10 mx1.a.test.", "a.test. MX 20 mx2.a.test.", "mx1.a.test. A 127.0.1.1",
            "mx2.a.test. AAAA ::1", "_mta-sts.a.test. TXT \"v=STSv1; id=20260101\"",
            "_smtp._tls.a.test. TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@a.test\"",
            "mta-sts.a.test. CNAME host.a.test.", "host.a.test. A 127.0.1.2",
            "loop1.a.test. CNAME loop2.a.test.", "loop2.a.test. CNAME loop1.a.test.",
            "*.wild.a.test. A 127.0.1.3"});
    std::string big(3000, 'x');
    z->add("big.a.test. TXT " + stslab::dns::txt_rdata(big));
    z->set_fault("servfail.a.test", stslab::dns::Fault::servfail);
    z->set_fault("timeout.a.test", stslab::dns::Fault::timeout);
    z->set_fault("big.a.test", stslab::dns::Fault::truncate, "A");
    return z;
  }();
  return *zone;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> message(data, size);
  const stslab::dns::ResponderLimits limits;
  for (auto transport : {stslab::dns::Transport::udp, stslab::dns::Transport::tcp}) {
    auto exchange = stslab::dns::respond(message, transport, lab_zone(), limits, "127.0.0.9:5353",
                                         "127.0.53.1:53");
    (void)exchange.data.dump();  // the journal must accept what was recorded
  }
  return 0;
}
