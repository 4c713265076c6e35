#include "stslab/sender/cli.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <ostream>

#include "stslab/sender/defects.hpp"
#include "stslab/sender/dkim.hpp"
#include "stslab/sender/mx_pattern.hpp"
#include "stslab/sender/report.hpp"
#include "stslab/sender/send.hpp"

namespace stslab::sender {
namespace {

std::string known_defects() {
  std::string names;
  for (const auto& d : defect_table())
    names += (names.empty() ? "" : ", ") + std::string(d.name);
  return names;
}

void list_defects(std::ostream& out) {
  for (const auto& d : defect_table()) {
    nlohmann::json requirements = nlohmann::json::array();
    for (auto r : d.requirements)
      requirements.push_back(std::string(r));
    out << nlohmann::json{{"name", std::string(d.name)},
                          {"requirements", requirements},
                          {"summary", std::string(d.summary)}}
               .dump()
        << '\n';
  }
}

// `dkim-record`: the key is made when missing (as `send` and `report` would), then its record is
// printed for the lab (or an operator) to publish before any report goes out.
int print_dkim_record(const std::string& state_dir, const std::string& domain, std::ostream& out,
                      std::ostream& err) {
  // A host name is an mx pattern without the wildcard.
  if (domain.find('*') != std::string::npos || !is_valid_mx_pattern(normalize_host(domain))) {
    err << "stslab-sender: --domain '" << domain << "' is not a host name\n";
    return kExitUsage;
  }
  try {
    out << dkim_zone_record(load_or_create_dkim_key(state_dir), domain) << '\n';
    return 0;
  } catch (const std::exception& e) {
    err << "stslab-sender: DKIM key: " << e.what() << '\n';
    return kExitDeferred;
  }
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"stslab-sender: a reference MTA-STS (RFC 8461) sending MTA for one message"};
  app.require_subcommand(1);

  SendOptions o;
  std::vector<std::string> defects;
  int timeout_ms = 10000;
  auto* send = app.add_subcommand("send", "try to deliver one message once, print one JSON line");
  send->add_option("--from", o.from, "envelope sender")->required();
  send->add_option("--to", o.to, "recipient address")->required();
  send->add_option("--message", o.message_file, "file with the message (headers and body)")
      ->required();
  send->add_option("--state-dir", o.state_dir, "policy cache and sessions.jsonl")->required();
  send->add_option("--key-dir", o.key_dir,
                   "the directory whose dkim/ holds the report signing key (default: --state-dir)");
  send->add_option("--message-id", o.message_id, "id for the JSON line and sessions.jsonl");
  send->add_option("--defect", defects, "commit a known non-compliance (see list-defects)");
  send->add_option("--dns", o.dns, "DNS server HOST[:PORT] instead of /etc/resolv.conf");
  send->add_option("--smtp-port", o.smtp_port, "MX port")->check(CLI::Range(1, 65535));
  send->add_option("--https-port", o.https_port, "policy host port")->check(CLI::Range(1, 65535));
  send->add_option("--ca-file", o.ca_file, "trusted roots (PEM)");
  send->add_option("--helo", o.helo, "EHLO name");
  send->add_option("--timeout-ms", timeout_ms, "deadline of each network step")
      ->check(CLI::Range(1, 3600 * 1000));
  auto* list = app.add_subcommand("list-defects", "one JSON line per known defect");

  ReportOptions ro;
  std::vector<std::string> report_defects;
  int report_timeout_ms = 10000;
  auto* report = app.add_subcommand(
      "report", "build and deliver due TLS-RPT reports (RFC 8460), one JSON line per delivery");
  report->add_option("--state-dir", ro.state_dir, "the state dir send wrote")->required();
  report->add_option(
      "--key-dir", ro.key_dir,
      "the directory whose dkim/ holds the report signing key (default: --state-dir)");
  report->add_flag("--flush", ro.flush, "also report the current, unfinished UTC day");
  report->add_option("--domain", ro.domain, "only reports for this policy domain");
  report->add_option("--defect", report_defects, "commit a known non-compliance");
  report->add_option("--dns", ro.dns, "DNS server HOST[:PORT] instead of /etc/resolv.conf");
  report->add_option("--smtp-port", ro.smtp_port, "port of the report MX hosts")
      ->check(CLI::Range(1, 65535));
  report->add_option("--https-port", ro.https_port, "port for https: rua URIs without one")
      ->check(CLI::Range(1, 65535));
  report->add_option("--ca-file", ro.ca_file, "trusted roots (PEM)");
  report->add_option("--submitter", ro.submitter,
                     "reporting domain (default: the --from domain of send, else sender.test)");
  report->add_option("--helo", ro.helo, "EHLO name for mailed reports");
  report->add_option("--timeout-ms", report_timeout_ms, "deadline of each network step")
      ->check(CLI::Range(1, 3600 * 1000));

  std::string record_state_dir;
  std::string record_domain = "sender.test";
  auto* record = app.add_subcommand(
      "dkim-record",
      "print the zone-file record publishing the DKIM key of mailed reports (made if missing)");
  record->add_option("--state-dir", record_state_dir, "the state dir (its dkim/ holds the key)")
      ->required();
  record->add_option("--domain", record_domain,
                     "the signing domain d=, i.e. the report submitter (default: sender.test)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {  // --help
      out << app.help();
      return 0;
    }
    err << "stslab-sender: " << e.what() << '\n' << "run 'stslab-sender --help' for usage\n";
    return kExitUsage;
  }

  if (list->parsed()) {
    list_defects(out);
    return 0;
  }
  if (record->parsed()) return print_dkim_record(record_state_dir, record_domain, out, err);
  for (const auto& name : report->parsed() ? report_defects : defects) {
    auto d = parse_defect(name);
    if (!d) {
      err << "stslab-sender: unknown defect '" << name << "'; known: " << known_defects() << '\n';
      return kExitUsage;
    }
    (report->parsed() ? ro.defects : o.defects).add(*d);
  }
  if (report->parsed()) {
    ro.timeout = std::chrono::milliseconds(report_timeout_ms);
    auto run = run_reports(ro, err);
    for (const auto& line : run.lines)
      out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    return run.exit_code;
  }
  o.timeout = std::chrono::milliseconds(timeout_ms);
  auto result = send_message(o, err);
  if (result.line.is_null()) return result.exit_code;
  out << result.line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  return result.exit_code;
}

}  // namespace stslab::sender
