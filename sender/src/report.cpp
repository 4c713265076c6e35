#include "stslab/sender/report.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <fstream>
#include <map>
#include <ostream>
#include <set>

#include "stslab/core/names.hpp"
#include "stslab/sender/dkim.hpp"
#include "stslab/sender/encoding.hpp"
#include "stslab/sender/report_aggregate.hpp"
#include "stslab/sender/report_json.hpp"
#include "stslab/sender/report_mail.hpp"
#include "stslab/sender/report_state.hpp"
#include "stslab/sender/report_transport.hpp"
#include "stslab/sender/resolver.hpp"
#include "stslab/sender/send.hpp"
#include "stslab/sender/state_lock.hpp"
#include "stslab/sender/tlsrpt_record.hpp"
#include "stslab/sender/trust.hpp"

namespace stslab::sender {
namespace {

constexpr std::time_t kRetryWindow = 24 * 3600;  // RFC 8460 §5.5 (RPT-36)

std::vector<SessionRecord> read_records(const std::filesystem::path& file, std::ostream& diag) {
  std::vector<SessionRecord> out;
  std::ifstream in(file);
  std::size_t number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    auto r = j.is_discarded() ? std::nullopt : parse_session_record(j);
    if (!r) {
      diag << "stslab-sender: " << file.string() << ":" << number << ": not a session record\n";
      continue;
    }
    out.push_back(std::move(*r));
  }
  return out;
}

std::string transport_name(RuaUri::Scheme s) {
  switch (s) {
    case RuaUri::Scheme::mailto:
      return "mailto";
    case RuaUri::Scheme::https:
      return "https";
    case RuaUri::Scheme::unsupported:
      break;
  }
  return "unsupported";
}

nlohmann::json line_for(const ReportRecord& r, const RuaState* rua, bool ok,
                        const std::string& detail) {
  return {
      {"policy_domain", r.policy_domain},
      {"day", r.day},
      {"rua", rua ? nlohmann::json(rua->uri) : nlohmann::json(nullptr)},
      {"transport", rua ? nlohmann::json(rua->transport) : nlohmann::json(nullptr)},
      {"ok", ok},
      {"report_id", r.report_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.report_id)},
      {"attempt", rua ? rua->attempts : 0},
      {"detail", detail}};
}

// The readable first part of the mail (RFC 8460 §5.3), from the stored report.
std::string mail_summary(const ReportRecord& r, const std::string& report_text) {
  std::int64_t ok = 0;
  std::int64_t failed = 0;
  const auto j = nlohmann::json::parse(report_text, nullptr, false);
  if (!j.is_discarded() && j.contains("policies")) {
    auto policies =
        j["policies"].is_array() ? j["policies"] : nlohmann::json::array({j["policies"]});
    for (const auto& p : policies) {
      ok += p["summary"].value("total-successful-session-count", std::int64_t{0});
      failed += p["summary"].value("total-failure-session-count", std::int64_t{0});
    }
  }
  return "This is an aggregate SMTP TLS report (RFC 8460) from " + r.submitter + "\r\nfor " +
         r.policy_domain + ", " + r.day +
         " 00:00:00Z to 23:59:59Z.\r\n\r\nSuccessful sessions: " + std::to_string(ok) +
         "\r\nFailed sessions: " + std::to_string(failed) + "\r\n\r\nThe report is attached as " +
         r.filename + ".\r\n";
}

class Reporter {
 public:
  Reporter(const ReportOptions& o, std::ostream& diag, Resolver& resolver, Trust& trust)
      : o_(o),
        diag_(diag),
        resolver_(resolver),
        ctx_{resolver,
             trust,
             o.defects,
             o.timeout,
             o.https_port,
             o.smtp_port,
             o.helo.empty() ? local_host_name() : o.helo,
             o.state_dir,
             diag} {}

  ReportRun run() {
    const std::time_t now = std::time(nullptr);
    const auto records =
        read_records(std::filesystem::path(o_.state_dir) / "sessions.jsonl", diag_);
    // Every domain with sessions, and every domain with reports still to deliver (retries).
    std::set<std::string> domains;
    for (const auto& rec : records)
      domains.insert(core::ascii_lower(rec.policy_domain));
    const auto reports_dir = std::filesystem::path(o_.state_dir) / "reports";
    if (std::filesystem::is_directory(reports_dir)) {
      for (const auto& entry : std::filesystem::directory_iterator(reports_dir)) {
        if (entry.is_directory()) domains.insert(entry.path().filename().string());
      }
    }
    for (const auto& domain : domains) {
      if (!o_.domain.empty() && domain != core::ascii_lower(o_.domain)) continue;
      StateLock lock(reports_dir / domain);
      ReportState state(reports_dir / domain);
      state_ = &state;
      run_domain(domain, records, now);
      state_ = nullptr;
    }
    out_.exit_code = failed_ ? kExitDeferred : 0;
    return std::move(out_);
  }

 private:
  void run_domain(const std::string& domain, const std::vector<SessionRecord>& records,
                  std::time_t now) {
    const std::string today = utc_day(now);
    // RFC 8460 §4.1: a day is reported once it is over. With --flush today goes out now, and
    // again at the next flush with whatever came since: the records earlier flushes counted
    // are left out, so no session is reported twice.
    std::size_t reported_today = 0;
    for (const auto& r : state_->records()) {
      if (r.day == today) reported_today += r.sessions;
    }
    std::map<std::string, std::size_t> seen, fresh_count;  // by day
    std::vector<SessionRecord> fresh;
    for (const auto& rec : records) {
      if (core::ascii_lower(rec.policy_domain) != domain) continue;
      const auto n = seen[rec.day]++;
      if (rec.day == today && n < reported_today) continue;
      ++fresh_count[rec.day];
      fresh.push_back(rec);
    }
    for (const auto& dd : aggregate_sessions(fresh, o_.defects)) {
      const bool due = dd.day < today || (o_.flush && dd.day == today);
      const bool done_before = dd.day != today && state_->find(dd.policy_domain, dd.day);
      if (due && !done_before) create(dd, now, fresh_count[dd.day]);
    }
    for (auto& r : state_->records()) {
      if (r.status == "pending") deliver(r, now);
    }
  }

  // Builds and stores the report of one (domain, day), after the TLS-RPT record says where
  // it goes (RFC 8460 §3: looked up at report time, RPT-01).
  void create(const DomainDay& dd, std::time_t now, std::size_t sessions) {
    ReportRecord r;
    r.policy_domain = dd.policy_domain;
    r.day = dd.day;
    r.sessions = sessions;
    auto answer = resolver_.txt("_smtp._tls." + dd.policy_domain);
    if (answer.status == DnsStatus::error) {
      // We do not know whether the domain wants reports: ask again next run.
      failed_ = true;
      out_.lines.push_back(
          line_for(r, nullptr, false, "TLS-RPT TXT lookup failed: " + answer.detail));
      return;
    }
    const auto selection = select_tlsrpt_record(answer.records);
    if (selection.kind != TlsrptSelection::Kind::valid) {
      r.status = "no-tlsrpt";
      out_.lines.push_back(line_for(
          r, nullptr, true, "not sent: no usable TLS-RPT record (" + selection.detail + ")"));
      state_->add(std::move(r));
      state_->save();
      return;
    }
    r.submitter = !o_.submitter.empty()       ? o_.submitter
                  : !dd.sender_domain.empty() ? dd.sender_domain
                                              : std::string("sender.test");
    const auto id = make_identity(r.submitter, dd.day, random_unique());
    r.report_id = id.report_id(dd.policy_domain);
    r.filename = id.filename(dd.policy_domain);
    r.first_attempt = now;
    for (const auto& u : selection.rua) {
      RuaState s{u.uri, transport_name(u.scheme), u.address, "pending", 0, ""};
      if (u.scheme == RuaUri::Scheme::unsupported) {
        s.state = "skipped";  // RFC 8460 §3 knows mailto: and https: only (RPT-05)
        s.detail = "unsupported URI scheme";
        out_.lines.push_back(line_for(r, &s, false, s.detail));
      }
      r.rua.push_back(std::move(s));
    }
    state_->store_report(r, build_report(dd, id, o_.defects).dump());
    state_->add(std::move(r));
    state_->save();
  }

  void deliver(ReportRecord& r, std::time_t now) {
    const auto text = state_->load_report(r);
    if (!text) {
      r.status = "done";
      out_.lines.push_back(line_for(r, nullptr, false, "the stored report is gone; dropped"));
      state_->save();
      return;
    }
    // RFC 8460 §5.2 (RPT-19): compressed for both transports.
    const std::string gz = gzip_compress(*text);
    bool pending = false;
    for (auto& rua : r.rua) {
      if (rua.state != "pending") continue;
      if (now - r.first_attempt >= kRetryWindow) {
        rua.state = "gave-up";
        out_.lines.push_back(
            line_for(r, &rua, false, "gave up 24 h after the first attempt; last: " + rua.detail));
        continue;
      }
      ++rua.attempts;
      const auto result = rua.transport == "https" ? post(rua, gz) : mail(r, rua, *text, gz, now);
      rua.detail = result.detail;
      if (result.ok) {
        rua.state = "delivered";
      } else {
        pending = true;
        failed_ = true;
      }
      out_.lines.push_back(line_for(r, &rua, result.ok, result.detail));
      state_->save();  // before the next destination: a crash must not resend this one
    }
    if (!pending) r.status = "done";
    state_->save();
  }

  DeliveryReport post(const RuaState& rua, const std::string& gz) {
    // RFC 8460 §5.4 (RPT-07): the media type of a gzip body is application/tlsrpt+gzip.
    const std::string type = o_.defects.has(Defect::gzip_labelled_json) ? "application/tlsrpt+json"
                                                                        : "application/tlsrpt+gzip";
    return post_report(rua.uri, gz, type, ctx_);
  }

  DeliveryReport mail(const ReportRecord& r, const RuaState& rua, const std::string& text,
                      const std::string& gz, std::time_t now) {
    ReportMail m;
    m.from = "tlsrpt-noreply@" + r.submitter;
    m.to = rua.address;
    m.submitter = r.submitter;
    m.policy_domain = r.policy_domain;
    m.report_id = r.report_id;
    m.filename = r.filename;
    m.gzip = gz;
    m.summary = mail_summary(r, text);
    m.date = now;
    std::string message;
    try {
      // RFC 8460 §3 (RPT-12): a mailed report must carry a DKIM signature.
      const auto key = load_or_create_dkim_key(o_.key_dir.empty() ? o_.state_dir : o_.key_dir);
      message = signed_report_mail(m, key, o_.defects);
    } catch (const std::exception& e) {
      return {false, std::string("cannot sign the report: ") + e.what()};
    }
    return mail_report(m.from, m.to, message, ctx_);
  }

  const ReportOptions& o_;
  std::ostream& diag_;
  Resolver& resolver_;
  TransportContext ctx_;
  ReportState* state_ = nullptr;  // the domain being worked on (run_domain)
  ReportRun out_;
  bool failed_ = false;
};

}  // namespace

ReportRun run_reports(const ReportOptions& o, std::ostream& diag) {
  std::unique_ptr<Resolver> resolver;
  std::unique_ptr<Trust> trust;
  try {
    resolver = std::make_unique<Resolver>(o.dns, o.timeout);
    trust = std::make_unique<Trust>(o.ca_file);
  } catch (const std::invalid_argument& e) {
    diag << "stslab-sender: " << e.what() << '\n';
    return {{}, kExitUsage};
  } catch (const std::exception& e) {
    diag << "stslab-sender: " << e.what() << '\n';
    return {{}, kExitDeferred};
  }
  try {
    Reporter reporter(o, diag, *resolver, *trust);
    return reporter.run();
  } catch (const std::exception& e) {
    // Nothing is lost: what was not recorded as delivered is tried again next run.
    diag << "stslab-sender: report: " << e.what() << '\n';
    return {{}, kExitDeferred};
  }
}

}  // namespace stslab::sender
