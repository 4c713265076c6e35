// What an event says about the sender, asked of the event: the judge and the classifier never
// read a fake's internal vocabulary (phases, certificate profile names) themselves.
#include <stdexcept>

#include "stslab/core/events/all.hpp"
#include "stslab/core/names.hpp"
#include "stslab/core/pki.hpp"

namespace stslab::core::events {

bool SmtpTls::trusted_certificate_for(std::string_view host) const {
  const bool for_this_host =
      cert_host.empty() || ascii_lower(cert_host) == ascii_lower(std::string(host));
  if (!for_this_host) return false;
  try {
    return verifies_for_its_host(parse_cert_profile(cert_profile));
  } catch (const std::invalid_argument&) {
    return false;  // a profile nobody knows is no certificate to trust
  }
}

bool MitmClientCommand::names_recipient(std::string_view recipient) const {
  // "RCPT TO:<m1@d.test> SIZE=..."
  const std::string l = ascii_lower(line);
  return l.rfind("rcpt to:", 0) == 0 &&
         l.find("<" + ascii_lower(std::string(recipient)) + ">") != std::string::npos;
}

}  // namespace stslab::core::events
