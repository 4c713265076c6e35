// DKIM verification (RFC 6376) of a mailed report, for RPT-12 (RFC 8460 §3: a mailed report
// must carry a valid DKIM signature). The work is done by OpenDKIM (libopendkim); keys never come
// from real DNS: the caller's lookup answers for "<selector>._domainkey.<domain>" (the lab's zone,
// a test's map).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stslab::tlsrpt {

// The TXT record at `name` (e.g. "stslab._domainkey.sender.test"), its character-strings joined
// with no separator (RFC 6376 §3.6.2.2), or nullopt when there is none.
using DkimKeyLookup = std::function<std::optional<std::string>(const std::string& name)>;

enum class DkimStatus {
  verified,            // the header signature and the body hash both check out
  body_hash_mismatch,  // the header signature verifies, but the body is not what was signed
  signature_mismatch,  // the header signature does not verify with the published key
  no_key,              // no key record (or the lookup failed): nothing could be checked
  key_unusable,        // a record is published but is no usable key (revoked, not for
                       // e-mail or tlsrpt, undecodable, too small)
  malformed,           // the signature itself cannot be evaluated (syntax, algorithm, t=/x=)
};

std::string_view to_string(DkimStatus status);

struct DkimResult {
  std::string domain;    // d=
  std::string selector;  // s=
  DkimStatus status = DkimStatus::malformed;
  std::string detail;  // what failed, in OpenDKIM's words ("" when verified)
  // The key record's s= lists "tlsrpt" (RFC 8460 §3: the key SHOULD be limited to it).
  bool key_for_tlsrpt = false;
};

struct DkimVerifyOptions {
  DkimKeyLookup lookup;  // required
  // How far the signer's clock may be ahead of this process's (a lab that moves the sender's
  // clock with libfaketime): added to OpenDKIM's 5 minutes of tolerated drift for t= and x=.
  std::chrono::seconds signer_clock_ahead{0};
};

// One result per DKIM-Signature header field, in header order (empty: none). A key whose s=
// names "tlsrpt" is accepted (RFC 8460 §3), which OpenDKIM alone would refuse as "not for
// e-mail". Line ends may be CRLF or LF. Throws std::runtime_error only when libopendkim cannot be
// set up at all.
std::vector<DkimResult> verify_dkim(std::string_view message, const DkimVerifyOptions& options);

}  // namespace stslab::tlsrpt
