// From received bytes to the report's JSON text. The content decides how to decode (gzip
// magic, a JSON text, a mail), not the name or the declared type, which are only checked
// against it (see delivery_checks.hpp).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "stslab/tlsrpt/mail.hpp"

namespace stslab::tlsrpt {

// How the bytes arrived. `file`: read from disk, nothing is known about the delivery.
enum class Transport { file, https, mail };

struct TransportFacts {
  Transport transport = Transport::file;
  std::string content_type;  // the HTTP Content-Type as sent, "" if unknown
  std::string filename;      // the file or attachment name, "" if unknown
  // For a whole mail: where DKIM keys come from (RPT-12). Unset: signatures are noted, not
  // verified. The lab passes a lookup into its own zone, never the real DNS.
  DkimKeyLookup dkim_key_lookup;
  // How far the signer's clock may be ahead of ours (the lab moves the sender's clock).
  std::chrono::seconds signer_clock_ahead{0};
};

enum class Container { json, gzip, mail };

struct Decoded {
  Container container = Container::json;  // the outermost layer
  bool gzipped = false;                   // the report itself was gzip (directly or attached)
  std::optional<MailFacts> mail;          // set when the input was a whole mail
  std::string json_text;
};

std::string_view to_string(Container container);

// Throws InputError (more than kMaxInputBytes, truncated gzip, no report part in the mail,
// ...).
Decoded decode(std::string_view bytes);

}  // namespace stslab::tlsrpt
