// ReportCollector (report_collector.hpp).
#include "stslab/harness/report_collector.hpp"

#include <algorithm>
#include <cctype>

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
  if (e.kind != "smtp.message" && e.kind != "https.post") return;
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
      if (e.kind == "smtp.message") {
        read_mail(e.data.value("message_id", std::uint64_t{0}));
      } else {
        read_post(e.data.value("id", std::uint64_t{0}));
      }
    } catch (const std::exception& ex) {
      // A hostile report must never take the lab down; say what happened instead.
      lab_.journal().append(core::Source::harness, "tlsrpt.error", e.domain, e.host,
                            {{"event", e.seq}, {"error", ex.what()}});
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
  lab_.journal().append(
      core::Source::harness, "tlsrpt.report", receiver, receiver,
      {{"transport", "mailto"},
       {"receiver", receiver},
       {"message_id", message_id},
       {"tls", message->tls},
       {"policy_domains", policy_domains(analysis)},
       {"dkim", dkim_results(analysis)},
       {"error", analysis.error ? nlohmann::json(analysis.error->what()) : nlohmann::json()},
       {"analysis", tlsrpt::to_json(analysis)},
       {"report", report_json(analysis)}});
}

void ReportCollector::read_post(std::uint64_t post_id) {
  const auto posts = lab_.https().posts();
  const auto it = std::find_if(posts.begin(), posts.end(),
                               [&](const https::StoredPost& p) { return p.id == post_id; });
  if (it == posts.end()) return;
  const auto analysis = tlsrpt::analyze(
      it->body, {.transport = tlsrpt::Transport::https, .content_type = it->content_type});
  lab_.journal().append(
      core::Source::harness, "tlsrpt.report", it->vhost, it->vhost,
      {{"transport", "https"},
       {"receiver", it->vhost + it->path},
       {"post_id", post_id},
       {"content_type", it->content_type},
       {"policy_domains", policy_domains(analysis)},
       {"error", analysis.error ? nlohmann::json(analysis.error->what()) : nlohmann::json()},
       {"analysis", tlsrpt::to_json(analysis)},
       {"report", report_json(analysis)}});
}

}  // namespace stslab::harness
