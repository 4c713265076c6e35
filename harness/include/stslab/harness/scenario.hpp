// A scenario as data (docs/scenario-format.md): who it is, which requirement it exercises, the
// world it sets up, the steps it takes and the outcomes it accepts. Parsed and validated from a
// YAML file before anything runs; every node remembers its file and line for error messages.
//
// API (library stslab_harness_scenario):
//   load_catalog(dir) / scan_catalog(dir)   every scenario under dir (base worlds in dir/worlds)
//   load_scenario(path, worlds_dir)         one file
//   ScenarioError / CatalogError            file:line: field: message (all of them, for lint)
//   format_errors(errors)                   one error per line, what `stslab lint` prints
//   Scenario::domain()                      the scenario's own mail domain
//   parse_duration("1h30m")                 the `advance` syntax
// A `change` step (and the shorthands attack / bump_id / remove_sts_record, which become one)
// carries the whole world after the change in Step::change; the engine diffs it with the world
// before. Scenario::world is the world before the first step.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "stslab/core/pki.hpp"
#include "stslab/harness/outcome.hpp"

// The fakes' configuration structs and the DNS fault words: a world holds changes to them,
// made by the host settings registry (harness/scenario/host_settings.hpp) at load time.
namespace stslab::https {
struct VirtualHost;
}
namespace stslab::smtp {
struct Vhost;
}
namespace stslab::dns {
enum class Fault;
}

namespace stslab::harness {

struct SourceLocation {
  std::string file;
  int line = 0;                   // 1-based; 0 = unknown
  std::string to_string() const;  // "scenarios/x.yaml:12"
};

// A bad scenario file: names the file, line and field. what() is
// "scenarios/x.yaml:12: steps[2].send: unknown message 'm3'".
class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(SourceLocation where, std::string field, std::string message);
  const SourceLocation& where() const { return where_; }
  const std::string& field() const { return field_; }
  const std::string& message() const { return message_; }

 protected:
  // For subclasses with their own what().
  ScenarioError(std::string what, SourceLocation where, std::string field, std::string message);

 private:
  SourceLocation where_;
  std::string field_;
  std::string message_;
};

// Several errors at once (a file with many mistakes, or a whole catalog). where(), field() and
// message() are the first error's; what() lists them all, one per line.
class CatalogError : public ScenarioError {
 public:
  explicit CatalogError(std::vector<ScenarioError> errors);  // at least one
  const std::vector<ScenarioError>& errors() const { return errors_; }

 private:
  std::vector<ScenarioError> errors_;
};

// The errors one per line, each "file:line: field: message" (for `stslab lint`).
std::string format_errors(const std::vector<ScenarioError>& errors);

// The policy file the policy host serves. Field values are strings so that a scenario can serve
// invalid ones on purpose ("max_age: -1").
struct PolicySpec {
  std::string version = "STSv1";
  std::string mode = "enforce";
  std::vector<std::string> mx;  // patterns; "{domain}" is replaced
  std::string max_age = "86400";
  std::vector<std::string> extra_lines;  // appended verbatim
  std::optional<std::string> raw;        // the whole body verbatim instead of the fields
  std::string line_ending = "\r\n";
};

// How the policy host behaves for this domain.
struct PolicyHostSpec {
  bool up = true;  // false: no vhost answers (connection refused)
  core::CertProfile cert = core::CertProfile::valid;
  unsigned status = 200;
  std::string content_type = "text/plain";
  std::optional<std::string> location;  // redirect target for 3xx
  // true: the right certificate only for a ClientHello naming the host (SNI); without SNI the
  // server shows its fallback certificate for another name (STS-FETCH-11).
  bool sni_required = false;
  // Host settings and faults (`tls_max: "1.2"`, `delay_ms: 500`, ...; host_settings.cpp), by
  // key: each the change it makes to the policy host's vhost once its routes are built.
  std::map<std::string, std::function<void(https::VirtualHost&)>> settings;
};

// One MX host of the domain. There is always a MITM proxy in front of it (attack "pass" by
// default), so a step can switch the attacker on without touching DNS.
struct MxSpec {
  std::string label;    // "mx1": the host is "mx1.{domain}"
  int preference = 10;  // in the MX record
  bool in_dns = true;   // publish "{domain} MX preference label.{domain}"
  core::CertProfile cert = core::CertProfile::valid;
  bool starttls = true;
  std::string attack = "pass";                       // mitm attack name
  std::map<std::string, std::string> attack_params;  // e.g. intercept-tls: {profile: untrusted-ca}
  // Host settings and faults (`replies: [...]`, `tls_max: "1.2"`, ...; host_settings.cpp), by
  // key: each the change it makes to the MX's vhost.
  std::map<std::string, std::function<void(smtp::Vhost&)>> settings;
};

// A DNS fault of the world: queries for exactly `name` (any type, or only `type`) get `fault`
// (servfail, refused, nxdomain, timeout, truncate) instead of the records.
struct DnsFaultSpec {
  std::string name;  // "{domain}" and "{policy_id}" are replaced
  dns::Fault fault;
  std::optional<std::string> type;  // "TXT", ...; nullopt = every type
};

// The MX hosts one scenario can name, over all its worlds: the lab's address plan gives each
// scenario 127.A.B.1-79 for MX proxies (80 is the policy host) and 101 + n for the MX behind
// (world_applier.hpp). More is a lint error, not a clash of addresses at run time.
inline constexpr std::size_t kMaxMxHosts = 79;

struct WorldSpec {
  // The _mta-sts TXT record text; nullopt = no record. "{policy_id}" is replaced.
  std::optional<std::string> sts_record = "v=STSv1; id={policy_id}";
  std::string policy_id = "1";
  std::optional<PolicySpec> policy;  // nullopt: the policy path answers 404
  PolicyHostSpec policy_host;
  std::vector<MxSpec> mx;
  std::optional<std::string> tlsrpt_record;  // the _smtp._tls TXT text; nullopt = none
  std::vector<std::string> dns;              // extra zone-file lines; "{domain}" is replaced
  std::vector<DnsFaultSpec> dns_faults;      // scripted in the same step as the records
};

// What a scenario expects of the sender's TLS-RPT reports for its domain (RFC 8460), each a
// check the report judge runs (docs/scenario-format.md, "TLS-RPT reports").
struct ReportExpectation {
  // RFC 8460 §4.3 result types that must be reported (failure-details), e.g.
  // {"starttls-not-supported"}. Empty: no report is scored. Non-empty implies tls-rpt.
  std::vector<std::string> types;
  // `dkim: verified`: some mailed report's DKIM signature must verify against a key the lab
  // knows; without one the scenario is INCONCLUSIVE (a failed signature is invalid anyway).
  bool dkim_verified = false;
  // `policy_string: served` (the default): an sts policy-string must be a policy a world of
  // this scenario served; `any` skips the check.
  bool policy_string_served = true;

  bool empty() const { return types.empty(); }
  bool operator==(const ReportExpectation&) const = default;
};

// A step of the timeline.
struct Step {
  enum class Kind {
    prime,        // send a warm-up message, wait for the policy fetch and its delivery
    send,         // submit message `message`
    flush,        // ask the MTA to retry now
    change,       // apply `change` (a partial world, same shape as `world`) on top of the world
    advance,      // move the lab clock (and a time-controlled sender's) by `by`
    clear_cache,  // make the sender forget cached policies
    report,       // make the sender send its TLS-RPT reports, wait for them (RFC 8460)
  };
  Kind kind = Kind::send;
  SourceLocation where;        // the step's line in the scenario file
  std::string message;         // send
  WorldSpec change;            // change: the world after the change (engine diffs and applies)
  std::chrono::seconds by{0};  // advance
  std::string summary;         // a human line for the evidence timeline
};

struct Scenario {
  std::string id;  // "rfc8461/5/enforce-starttls-stripped": stable, requirement-keyed
  std::string title;
  std::vector<std::string> requirements;  // IDs from requirements.md, e.g. "STS-APPLY-01"
  Level level = Level::must;
  std::vector<std::string> topics;  // CTest labels, e.g. "starttls"
  std::string base_world;           // the named base it started from
  WorldSpec world;
  std::vector<Step> steps;
  // Acceptable outcomes per message name; a message not listed here is not scored (primes).
  std::map<std::string, std::vector<Outcome>> expect;
  // What the sender's TLS-RPT reports must show (`expect_report:`); no types: none is scored.
  ReportExpectation expect_report;
  // `expect_policy_fetch: true`: fetching the enforce policy is what the scenario tests, so a
  // withheld message without a fetch FAILs; otherwise it is only INCONCLUSIVE (policy_evidence).
  bool expect_policy_fetch = false;
  // Capability words (capability_words.hpp), sorted: the declared ones plus those the steps
  // imply (flush -> flush, clear_cache -> clear-cache, advance -> time, report -> tls-rpt and
  // report-trigger) and expect_report's tls-rpt.
  std::vector<std::string> needs;
  SourceLocation where;

  // The scenario's own domain: a DNS-safe slug of the id under ".test", unique per id:
  // "rfc8461/5/enforce-starttls-stripped" -> "enforce-starttls-stripped.rfc8461-5.test". A label
  // longer than 63 is cut and ends in a short hash of the id.
  std::string domain() const;
};

std::string_view to_string(Step::Kind kind);  // "prime", "send", ..., "clear_cache"

// Parses one scenario file; worlds_dir holds the named base worlds. Throws ScenarioError (a
// CatalogError when the file has several mistakes: every one is listed).
Scenario load_scenario(const std::string& path, const std::string& worlds_dir);

// A catalog with whatever was wrong in it: the scenarios that loaded and every error found.
struct Catalog {
  std::vector<Scenario> scenarios;  // sorted by file path, which mirrors the id
  std::vector<ScenarioError> errors;
};
// Every *.yaml under dir (recursively, sorted), base worlds (dir/worlds) excluded; every base
// world is checked too. Checks across files: ids are unique, and a file's path below dir is its
// id ("rfc8461/5/x" lives in dir/rfc8461/5/x.yaml). Never throws for a bad file.
Catalog scan_catalog(const std::string& dir);
// scan_catalog, throwing a CatalogError that lists every error if there is any.
std::vector<Scenario> load_catalog(const std::string& dir);

// "90s", "2m", "1h30m", "2d" -> seconds (units s, m, h, d; more than zero). Throws
// std::invalid_argument saying what is wrong.
std::chrono::seconds parse_duration(std::string_view text);

}  // namespace stslab::harness
