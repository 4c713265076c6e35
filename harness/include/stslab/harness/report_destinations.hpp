// Where a world's TLS-RPT record sends reports (RFC 8460 §3 "rua"), and which of those the lab
// serves itself: destinations under the scenario's domain. A mailto: host is an MX of the world
// (usually one with in_dns: false, so the domain's own mail does not go there); an https: host
// gets a vhost with a POST sink on the policy host's address and an A record.
#pragma once

#include <string>
#include <vector>

namespace stslab::harness {

struct ReportDestination {
  enum class Kind { mailto, https } kind = Kind::mailto;
  std::string uri;      // as written, e.g. "mailto:tlsrpt@rpt.a.test"
  std::string host;     // lower case: the mail domain or the HTTPS host
  std::string mailbox;  // mailto: the whole address
  std::string path;     // https: the path ("/" if none)
};

// The rua URIs of a TLS-RPT record text ("v=TLSRPTv1; rua=mailto:a@b,https://c/d"); URIs that
// are neither mailto: nor https: are left out. Not a validator: a record the lab publishes on
// purpose broken still yields what it names.
std::vector<ReportDestination> report_destinations(const std::string& record);

}  // namespace stslab::harness
