// ReportCollector (report_collector.hpp).
#include "stslab/harness/report_collector.hpp"

#include <algorithm>
#include <cctype>

#include "stslab/core/names.hpp"
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
  const auto analysis = tlsrpt::analyze(message->data, {.transport = tlsrpt::Transport::mail});
  lab_.journal().append(
      core::Source::harness, "tlsrpt.report", receiver, receiver,
      {{"transport", "mailto"},
       {"receiver", receiver},
       {"message_id", message_id},
       {"tls", message->tls},
       {"policy_domains", policy_domains(analysis)},
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
