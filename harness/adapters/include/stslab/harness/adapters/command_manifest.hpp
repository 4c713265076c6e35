// A sender driven by shell command lines, as data (a stslab.adapter/2 manifest whose submit is
// oneshot or whose status is a command, or an older stslab.command-adapter/1 one): no C++ and
// no config templates. CommandAdapter runs it; docs/adapters.md
// describes the format. Commands keep their {{placeholders}} until the lab is known.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "stslab/harness/adapter.hpp"
#include "stslab/harness/adapters/faketime.hpp"
#include "stslab/harness/adapters/manifest.hpp"

namespace stslab::harness::adapters {

// oneshot: `submit` tries once and its exit status + JSON line are the outcome.
// daemon: `submit` hands the message to a running sender; `status` tells what became of it.
enum class SubmitMode { oneshot, daemon };

struct CommandTarget {
  std::string name;
  std::string title;
  Capabilities capabilities;  // the manifest's, with the target's overrides
  bool faketime = false;      // time_control: faketime
  std::map<std::string, std::string> variables;
  // Set on targets made by `mutants:`: the base target, the defect, what it breaks.
  std::string mutant_of;
  std::string defect;
  std::vector<std::string> requirements;
};

struct CommandManifest {
  std::string path;  // the manifest file
  std::string dir;   // its directory ({{data_dir}})
  std::string title;
  SubmitMode submit_mode = SubmitMode::oneshot;
  // One-shot senders only. false (the default): each scenario's domain gets its own state
  // directory ({{state_dir}} and STSLAB_STATE_DIR in submit, clear_cache and report), so
  // submits running side by side never share a file. true: one state directory for the whole
  // run, and the engine runs one command of the sender at a time.
  bool shared_state = false;
  std::vector<std::string> requires_programs;  // must be found (PATH or a path) at start
  EnvChanges environment;                      // values may hold placeholders
  // Shell command lines (run by /bin/sh -c); "" = not declared.
  // `report`: send every pending TLS-RPT report now (the current day's included).
  // `dns_records`: print zone-file records for the sender's own domains (run once after start).
  std::string start, submit, flush, status, clear_cache, report, dns_records, stop;
  std::string ready_tcp;  // "host:port" the started sender accepts on; "" = start must exit
  std::map<std::string, std::string> versions;  // program -> command printing its version
  std::chrono::seconds timeout{60};             // per command run
  // status.logs: the sender's log files, followed from start to stop; their rules' events are
  // evidence next to the outcomes the status command (or the one-shot attempt) answers for.
  std::vector<LogFile> logs;
  std::map<std::string, CommandTarget> targets;
};

// True if the file's `schema` is stslab.command-adapter/1 (false for anything else, including
// files that do not parse: load_manifest() then gives the error).
bool is_command_manifest(const std::string& path);

// Parses and checks the manifest, expands `mutants:` into targets, and renders every command
// once with every target's variables so that an unknown placeholder fails here. Throws
// ManifestError "file:line: field: message".
CommandManifest load_command_manifest(const std::string& path);

// The placeholders a manifest may use, beyond its targets' variables.
inline const std::vector<std::string> kLabPlaceholders = {
    "workdir",       "state_dir",     "ca_bundle", "dns_address",   "mta_address",
    "sender_domain", "faketime_file", "data_dir",  "stslab_sender", "lab_state_dir"};
inline const std::vector<std::string> kMessagePlaceholders = {"from", "to", "message",
                                                              "message_id"};

}  // namespace stslab::harness::adapters
