// DKIM signing (RFC 6376) for mailed TLS-RPT reports, which RFC 8460 §3 requires to be signed
// (RPT-12): rsa-sha256, relaxed/relaxed canonicalization, never l= (RPT-13), and h= covering
// TLS-Report-Domain and TLS-Report-Submitter (RPT-15). The key is made once per state dir.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace stslab::sender {

inline constexpr std::string_view kDkimSelector = "stslab";

class DkimKey {
 public:
  static DkimKey generate();  // RSA 2048
  // Throws std::runtime_error when the file cannot be read or holds no private key.
  static DkimKey load(const std::filesystem::path& pem);

  std::string private_pem() const;
  // The DNS TXT value for <selector>._domainkey.<domain> (RFC 6376 §3.6.1). s=tlsrpt limits the
  // key to TLS reports (RFC 8460 §3, the "tlsrpt" service type).
  std::string dns_txt() const;
  EVP_PKEY* get() const { return key_.get(); }

 private:
  struct Free {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
  };
  std::unique_ptr<EVP_PKEY, Free> key_;
};

// The zone-file line that publishes `key` for d=`domain`: "<selector>._domainkey.<domain>. TXT
// "..."", the dns_txt() value split into character-strings of at most 255 octets (RFC 6376
// §3.6.2.2 joins them again). What `stslab-sender dkim-record` prints for a lab to serve.
std::string dkim_zone_record(const DkimKey& key, std::string_view domain,
                             std::string_view selector = kDkimSelector);

// STATE_DIR/dkim/private.pem (mode 0600) and STATE_DIR/dkim/selector.txt (the TXT value);
// created when missing, under the lock of STATE_DIR/dkim. Throws std::runtime_error on I/O or key
// errors.
DkimKey load_or_create_dkim_key(const std::filesystem::path& state_dir);
// The same, best effort: problems go to `diag` only.
void ensure_dkim_key(const std::filesystem::path& state_dir, std::ostream& diag);

// One header field of a message: the name as written and the raw value after the colon
// (folding kept).
struct HeaderField {
  std::string name;
  std::string value;
};

// Splits a CRLF message into its header fields and its body (after the empty line).
std::vector<HeaderField> split_message(std::string_view message, std::string& body);

// RFC 6376 §3.4.2: "name:value\r\n" with the name lower-cased, folding removed, blank runs
// made one space, blanks around the colon and at the end removed.
std::string relaxed_header(std::string_view name, std::string_view value);
// RFC 6376 §3.4.4: blank runs made one space, blanks at line ends removed, empty lines at the
// end removed, and a non-empty body ends in CRLF.
std::string relaxed_body(std::string_view body);

struct DkimRequest {
  std::string domain;                       // d=
  std::string selector{kDkimSelector};      // s=
  std::vector<std::string> signed_headers;  // h=, in this order, as names
  std::time_t timestamp = 0;                // t=
};

// The DKIM-Signature header field ("DKIM-Signature: ...\r\n") for `message` (CRLF line ends).
// Prepend it to the message. Throws std::runtime_error if signing fails.
std::string dkim_signature_field(std::string_view message, const DkimKey& key,
                                 const DkimRequest& request);

// The bytes the signature covers (RFC 6376 §3.7): the canonicalized signed headers, then the
// DKIM-Signature field itself with an empty b= and no final CRLF. `signature_field` is the
// whole field as it appears in the message. Public so tests can verify independently.
std::string dkim_signed_data(std::string_view message, std::string_view signature_field,
                             const std::vector<std::string>& signed_headers);

}  // namespace stslab::sender
