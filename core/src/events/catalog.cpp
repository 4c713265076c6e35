#include "stslab/core/events/catalog.hpp"

#include "stslab/core/events/all.hpp"

namespace stslab::core::events {
namespace {

template <class E>
KindInfo info() {
  KindInfo k{E::kind, E::source, {}, false, nullptr};
  std::apply(
      [&](const auto&... f) {
        ((f.presence == Presence::merged ? void(k.open = true) : k.fields.push_back(f.name)), ...);
      },
      E::fields());
  if constexpr (requires(const E& e, const Event& ev) { e.describe(ev); }) {
    k.describe = [](const Event& ev) { return from_data<E>(ev.data).describe(ev); };
  }
  return k;
}

template <class... E>
std::vector<KindInfo> infos() {
  return {info<E>()...};
}

}  // namespace

const std::vector<KindInfo>& catalog() {
  static const std::vector<KindInfo> kinds =
      infos<DnsQuery, DnsBadQuery, DnsError,                                       //
            HttpsTls, HttpsRequest, HttpsPost, HttpsError,                         //
            SmtpSessionOpen, SmtpCommand, SmtpReply, SmtpTls, SmtpTlsUnavailable,  //
            SmtpDiscardedPlaintext, SmtpMessage, SmtpMessageRefused, SmtpSessionClose,
            SmtpListenerError,                                                               //
            MitmSessionOpen, MitmAttack, MitmClientCommand, MitmPlaintextMail,               //
            MitmInterceptedMail, MitmTls, MitmPassthrough, MitmUpstreamError,                //
            MitmBadInput, MitmAcceptError, MitmSessionClose,                                 //
            MtaDelivery, MtaTls, MtaPolicy, MtaLifecycle, MtaError, MtaLogError, MtaReport,  //
            HarnessStep, TlsrptReport, TlsrptError, JournalOverflow>();
  return kinds;
}

const KindInfo* find_kind(std::string_view kind) {
  for (const auto& k : catalog()) {
    if (k.kind == kind) return &k;
  }
  return nullptr;
}

std::string describe(const Event& event) {
  const KindInfo* k = find_kind(event.kind);
  return k && k->describe ? k->describe(event) : std::string();
}

}  // namespace stslab::core::events
