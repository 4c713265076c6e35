// `stslab tlsrpt summarize FILE...`: reads received TLS-RPT reports (.json, .json.gz, .eml,
// told apart by content), prints per policy domain the success rate and where sessions failed,
// and what the validation found. Output formats: docs/tlsrpt.md.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "stslab/tlsrpt/analyze.hpp"
#include "stslab/tlsrpt/input_file.hpp"

namespace stslab::cli {
namespace {

using tlsrpt::Analysis;
using tlsrpt::Severity;

// One file's outcome: the analysis, whose `error` also says why a file could not be read.
struct FileResult {
  std::string file;
  Analysis analysis;
  bool unusable() const { return analysis.error.has_value(); }
};

FileResult analyze_file(const std::string& file) {
  FileResult r{.file = file};
  std::string bytes;
  try {
    // Regular files only, at most 64 MiB: a FIFO, a directory or /dev/zero is refused.
    bytes = tlsrpt::read_input_file(file);
  } catch (const tlsrpt::InputError& e) {
    r.analysis.error = e;
    return r;
  }
  // A file on disk: the content decides how it is read; the name is only compared with it.
  r.analysis = tlsrpt::analyze(bytes, {.transport = tlsrpt::Transport::file, .filename = file});
  return r;
}

std::string error_text(const FileResult& r) {
  return std::string(tlsrpt::to_string(r.analysis.error->kind())) + ": " + r.analysis.error->what();
}

void print_text(const FileResult& r, std::ostream& out) {
  const Analysis& a = r.analysis;
  out << "== " << r.file << " (" << tlsrpt::to_string(a.decoded.container)
      << (a.decoded.gzipped && a.decoded.container != tlsrpt::Container::gzip ? ", gzip" : "")
      << ")\n";
  out << "report " << a.report.report_id << " from " << a.report.organization_name << " <"
      << a.report.contact_info << ">, " << a.report.start_datetime << " .. "
      << a.report.end_datetime << "\n";
  for (const auto& s : a.summary) {
    std::string types;
    for (const auto& t : s.policy_types)
      types += (types.empty() ? "" : ",") + t;
    out << s.policy_domain << " (" << types << "): success rate "
        << tlsrpt::format_rate(s.success_basis_points) << (s.success_basis_points ? "%" : "")
        << " (" << s.successful_sessions << " successful, " << s.failed_sessions
        << " failed sessions)\n";
    for (const auto& f : s.failures) {
      out << "  failure " << f.result_type << " on "
          << (f.receiving_mx_hostname.empty() ? "(no MX named)" : f.receiving_mx_hostname) << ": "
          << f.sessions << " sessions\n";
    }
    if (!s.failures_by_result_type.empty()) {
      out << "  by result-type:";
      for (const auto& [type, n] : s.failures_by_result_type)
        out << " " << type << "=" << n;
      out << "\n  by MX:";
      for (const auto& [mx, n] : s.failures_by_mx)
        out << " " << (mx.empty() ? "-" : mx) << "=" << n;
      out << "\n";
    }
  }
  int counts[3] = {0, 0, 0};
  for (const auto& f : a.findings)
    ++counts[static_cast<int>(f.severity)];
  out << "findings: " << counts[0] << " invalid, " << counts[1] << " sloppy, " << counts[2]
      << " notes\n";
  for (const auto& f : a.findings) {
    out << "  " << tlsrpt::to_string(f.severity) << " " << f.id << " ("
        << tlsrpt::to_string(f.level) << ") " << (f.where.empty() ? "/" : f.where) << ": "
        << f.message << "\n";
  }
}

nlohmann::json file_json(const FileResult& r) {
  nlohmann::json j = tlsrpt::to_json(r.analysis);
  j["file"] = r.file;
  return j;
}

}  // namespace

CLI::App* add_tlsrpt_commands(CLI::App& app, TlsrptArgs& args) {
  auto* tlsrpt = app.add_subcommand("tlsrpt", "Read and check received TLS-RPT reports (RFC 8460)");
  tlsrpt->require_subcommand(1);
  auto* summarize = tlsrpt->add_subcommand(
      "summarize", "Per policy domain: success rate, failures by result-type and MX, findings");
  summarize->add_option("FILE", args.files, "Reports: .json, .json.gz or a whole mail (.eml)")
      ->required();
  summarize->add_option("--format", args.format, "text or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  summarize->add_flag("--strict", args.strict,
                      "Exit 1 when a report has an `invalid` finding (a broken MUST)");
  return tlsrpt;
}

int tlsrpt_summarize_command(const TlsrptArgs& args) {
  bool unusable = false;
  bool invalid = false;
  nlohmann::json files = nlohmann::json::array();
  for (const auto& file : args.files) {
    const FileResult r = analyze_file(file);
    if (r.unusable()) {
      // Named on stderr in both formats, so a script reading JSON on stdout still sees it;
      // stdout first, so that on a terminal the error comes after the files before it.
      std::cout.flush();
      std::cerr << "stslab tlsrpt: " << file << ": " << error_text(r) << "\n";
      unusable = true;
    } else {
      invalid = invalid || tlsrpt::has_invalid(r.analysis.findings);
      if (args.format == "text") print_text(r, std::cout);
    }
    if (args.format == "json") files.push_back(file_json(r));
  }
  const int status = unusable ? kExitUsage : (args.strict && invalid ? kExitFail : kExitOk);
  if (args.format == "json") {
    // A file name, or a mail header quoted in a finding, need not be UTF-8: such bytes are
    // printed as U+FFFD instead of dump() throwing and the whole output being lost.
    std::cout << nlohmann::json{{"files", files}, {"exit-status", status}}.dump(
                     2, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  }
  return status;
}

}  // namespace stslab::cli
