// ReportCollector (report_collector.hpp).
#include "stslab/harness/report_collector.hpp"

#include <algorithm>
#include <cctype>

#include "stslab/core/events/all.hpp"
#include "stslab/core/names.hpp"
#include "stslab/dns/name.hpp"
#include "stslab/dns/record.hpp"
#include "stslab/tlsrpt/analyze.hpp"

namespace stslab::harness {

namespace {

std::string domain_of(const std::string& address) {
  const auto at = address.rfind('@');
  return core::ascii_lower(at == std::string::npos ? address : address.substr(at + 1));
}

// The report as the sender wrote it (null when it could not be read): attribution looks at
// fields the summary leaves out, such as each policy's policy-string.
nlohmann::json report_json(const tlsrpt::Analysis& a) {
  if (a.error) return nullptr;
  auto j = nlohmann::json::parse(a.decoded.json_text, nullptr, false);
  return j.is_discarded() ? nlohmann::json() : j;
}

// RPT-12: DKIM keys come from the lab's own zone (where the adapter's records were published),
// never from the real DNS. The first TXT record at the name, its strings joined.
std::optional<std::string> zone_txt(const dns::Zone& zone, const std::string& name) {
  const auto qname = dns::parse_name(name);
  const auto answer = zone.lookup(qname.get(), LDNS_RR_TYPE_TXT);
  if (answer.rcode != LDNS_RCODE_NOERROR) return std::nullopt;
  for (const auto& rr : answer.answer) {
    if (ldns_rr_get_type(rr.get()) == LDNS_RR_TYPE_TXT) return dns::txt_joined(rr.get());
  }
  return std::nullopt;
}

// What verifying the DKIM signatures gave, one object per signature: {domain, selector, status
// (tlsrpt::to_string(DkimStatus)), detail}; null when they were not verified.
nlohmann::json dkim_results(const tlsrpt::Analysis& a) {
  if (a.error || !a.decoded.mail || !a.decoded.mail->dkim_results) return nullptr;
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : *a.decoded.mail->dkim_results) {
    out.push_back({{"domain", r.domain},
                   {"selector", r.selector},
                   {"status", tlsrpt::to_string(r.status)},
                   {"detail", r.detail}});
  }
  return out;
}

nlohmann::json policy_domains(const tlsrpt::Analysis& a) {
  nlohmann::json domains = nlohmann::json::array();
  for (const auto& s : a.summary)
    domains.push_back(s.policy_domain);
  return domains;
}

// What either transport's report event says about the report itself.
core::events::TlsrptReport report_event(const tlsrpt::Analysis& analysis) {
  core::events::TlsrptReport report;
  report.policy_domains = policy_domains(analysis);
  if (analysis.error) report.error = analysis.error->what();
  report.analysis = tlsrpt::to_json(analysis);
  report.report = report_json(analysis);
  return report;
}

}  // namespace

ReportCollector::ReportCollector(LabServices& lab) : lab_(lab) {
  thread_ = std::thread([this] { run(); });
  token_ = lab_.journal().subscribe([this](const core::Event& e) { on_event(e); });
}

ReportCollector::~ReportCollector() {
  lab_.journal().unsubscribe(token_);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

// Runs on whatever thread appended the event (a fake's I/O thread): only queue it.
void ReportCollector::on_event(const core::Event& e) {
  if (e.kind != core::events::SmtpMessage::kind && e.kind != core::events::HttpsPost::kind) return;
  {
    std::lock_guard lock(mutex_);
    pending_.push_back(e);
  }
  wake_.notify_one();
}

void ReportCollector::run() {
  for (;;) {
    core::Event e;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      if (stopping_) return;
      e = std::move(pending_.front());
      pending_.pop_front();
    }
    try {
      if (const auto mail = core::events::as<core::events::SmtpMessage>(e)) {
        read_mail(mail->message_id);
      } else if (const auto post = core::events::as<core::events::HttpsPost>(e)) {
        read_post(post->id);
      }
    } catch (const std::exception& ex) {
      // A hostile report must never take the lab down; say what happened instead.
      core::events::append(lab_.journal(),
                           core::events::TlsrptError{.event = e.seq, .error = ex.what()}, e.domain,
                           e.host);
    }
  }
}

void ReportCollector::read_mail(std::uint64_t message_id) {
  const auto message = lab_.smtp().message(message_id);
  if (!message) return;
  std::string receiver;  // the mail domain that took the report
  for (const auto& rcpt : message->rcpts) {
    if (lab_.is_report_mailbox(rcpt)) receiver = domain_of(rcpt);
  }
  if (receiver.empty()) return;  // ordinary mail: the classifier's business
  // The sender signed with its own clock, which the lab may have moved ahead of this one.
  const auto ahead = std::chrono::duration_cast<std::chrono::seconds>(lab_.clock().offset());
  const auto analysis = tlsrpt::analyze(
      message->data,
      {.transport = tlsrpt::Transport::mail,
       .dkim_key_lookup = [this](const std::string& name) { return zone_txt(lab_.zone(), name); },
       .signer_clock_ahead = ahead});
  core::events::TlsrptReport report = report_event(analysis);
  report.transport = "mailto";
  report.receiver = receiver;
  report.message_id = message_id;
  report.tls = message->tls;
  report.dkim = dkim_results(analysis);
  core::events::append(lab_.journal(), report, receiver, receiver);
}

void ReportCollector::read_post(std::uint64_t post_id) {
  const auto posts = lab_.https().posts();
  const auto it = std::find_if(posts.begin(), posts.end(),
                               [&](const https::StoredPost& p) { return p.id == post_id; });
  if (it == posts.end()) return;
  const auto analysis = tlsrpt::analyze(
      it->body, {.transport = tlsrpt::Transport::https, .content_type = it->content_type});
  core::events::TlsrptReport report = report_event(analysis);
  report.transport = "https";
  report.receiver = it->vhost + it->path;
  report.post_id = post_id;
  report.content_type = it->content_type;
  core::events::append(lab_.journal(), report, it->vhost, it->vhost);
}

}  // namespace stslab::harness
