// Judging a TLS peer's certificate the way RFC 8461 §4.2 (MX) and §3.3 (policy host) want:
// a chain to a trusted root, inside its validity dates, and a subjectAltName dNSName matching
// the host (RFC 6125: no CN fallback, a wildcard only as the whole left-most label). Each check
// is separate so that a failure gets its TLS-RPT name and a defect can switch one check off.
#pragma once

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <string>
#include <vector>

#include "stslab/sender/defects.hpp"

namespace stslab::sender {

struct CertChecks {
  bool chain = true;         // chain to a trusted root
  bool expiry = true;        // notBefore <= now <= notAfter
  bool host_name = true;     // SAN dNSName matches
  bool cn_fallback = false;  // accept the subject CN when there are no DNS SANs
};

// The MX checks (§4.2) that the given defects leave in place.
CertChecks mx_cert_checks(const DefectSet& defects);

struct CertVerdict {
  // In the order reported: "certificate-not-trusted", "certificate-expired",
  // "certificate-host-mismatch". Empty = acceptable.
  std::vector<std::string> failures;
  std::string detail;  // readable reasons, e.g. "self-signed certificate; expired"

  bool ok() const { return failures.empty(); }
};

// Checks `leaf` (with the untrusted intermediates `chain`, may be null) against `store` (the
// trusted roots) and `host`.
CertVerdict check_certificate(X509* leaf, STACK_OF(X509) * chain, X509_STORE* store,
                              const std::string& host, const CertChecks& checks);

// Checks the certificate `ssl` received against `store` (the trusted roots) and `host`.
CertVerdict check_peer_certificate(SSL* ssl, X509_STORE* store, const std::string& host,
                                   const CertChecks& checks);

}  // namespace stslab::sender
