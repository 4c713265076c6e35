// The certificate and TLS server context a vhost shows after STARTTLS, built once per vhost
// configuration and shared by its sessions (an SSL_CTX may serve many connections at once).
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "stslab/core/clock.hpp"
#include "stslab/core/pki.hpp"
#include "stslab/smtp/vhost.hpp"

namespace stslab::smtp::detail {

struct TlsMaterial {
  std::shared_ptr<boost::asio::ssl::context> context;  // null when building it failed
  core::Credential credential;
  std::string error;                        // why `context` is null
  core::LabClock::duration clock_offset{};  // the lab clock's offset when minted
};

// Mints the vhost's certificate (or takes its explicit credential) and makes a server context
// within the vhost's TLS bounds. Never throws: a failure is reported in `error`.
std::shared_ptr<const TlsMaterial> make_tls_material(const Vhost& vhost, const core::LabPki& pki,
                                                     core::LabClock::duration clock_offset);

}  // namespace stslab::smtp::detail
