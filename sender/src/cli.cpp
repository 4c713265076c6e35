#include "stslab/sender/cli.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <ostream>

#include "stslab/sender/defects.hpp"
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
  for (const auto& name : defects) {
    auto d = parse_defect(name);
    if (!d) {
      err << "stslab-sender: unknown defect '" << name << "'; known: " << known_defects() << '\n';
      return kExitUsage;
    }
    o.defects.add(*d);
  }
  o.timeout = std::chrono::milliseconds(timeout_ms);
  auto result = send_message(o, err);
  if (result.line.is_null()) return result.exit_code;
  out << result.line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  return result.exit_code;
}

}  // namespace stslab::sender
