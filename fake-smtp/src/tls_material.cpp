#include "tls_material.hpp"

#include <exception>

#include "stslab/core/tls.hpp"

namespace stslab::smtp::detail {

std::shared_ptr<const TlsMaterial> make_tls_material(const Vhost& vhost, const core::LabPki& pki,
                                                     core::LabClock::duration clock_offset) {
  auto material = std::make_shared<TlsMaterial>();
  material->clock_offset = clock_offset;
  try {
    if (vhost.cert.credential) {
      material->credential = *vhost.cert.credential;
    } else {
      const std::string& host = vhost.cert.host.empty() ? vhost.name : vhost.cert.host;
      material->credential = pki.issue(host, vhost.cert.profile, vhost.cert.key_type);
    }
    material->context = core::make_server_context(material->credential, vhost.tls);
  } catch (const std::exception& e) {
    material->context.reset();
    material->error = e.what();
  }
  return material;
}

}  // namespace stslab::smtp::detail
