// An adapter manifest (harness/adapters/<dir>/manifest.yaml) as data: which configs to render,
// which programs to run to start, drive, query and stop a sender, which log lines mean what, and
// the targets (named variants) it defines. ManifestAdapter executes it; nothing in here runs.
//
// Strings keep their {{placeholders}}: they are rendered when the adapter knows the lab.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "stslab/harness/adapter.hpp"

namespace stslab::harness::adapters {

// A manifest that cannot be used: names the file and what is wrong.
class ManifestError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Argv = std::vector<std::string>;

// A directory created in the workdir, owned by `owner` and `group` (names; "" = whoever runs
// us), with `mode` (e.g. 01730; unset = the umask's choice). Postfix's queue directories are
// made this way: "postfix check" would make them too, but costs over a second of CPU per start.
struct Directory {
  std::string path;
  std::string owner;
  std::string group;
  std::optional<unsigned> mode;
};

struct TemplateFile {
  std::string source;  // relative to the manifest's directory
  std::string target;  // relative to the workdir
  std::string when;    // feature that must be on; "" = always
};

// When a started service counts as up.
struct Readiness {
  std::string tcp;  // "host:port" that must accept a connection; "" = no check
};

struct Service {
  std::string name;
  std::string when;
  Argv run;              // supervised child (core::Child) ...
  std::string output;    // ... its stdout + stderr go here
  Argv start;            // ... or a daemonizing start command
  Argv stop;             // and how to stop it
  std::string pid_file;  // the daemon's pid file (a pid in the lab's PID namespace)
  std::string log;       // shown (its tail) when the service fails to start
  Readiness ready;
  bool faketime = false;  // run under libfaketime when the lab moves time
  // Launched before `prepare` runs, in parallel with it (it does not depend on it); its
  // readiness is still awaited in order.
  bool early = false;
  // How long a `run` service gets between SIGTERM and SIGKILL at stop. A service whose state
  // the lab throws away anyway can be killed at once (0).
  std::chrono::milliseconds stop_grace{3000};
};

struct Command {
  Argv run;
  std::string smtp;        // submit only: "host:port" to hand the message to over SMTP instead
  std::string stdin_file;  // fed to stdin; "" = none
  std::string format;      // how to read stdout (queue: "postqueue-json")
  std::string when;
};

// One way a log line becomes a journal event. The first rule that matches a line wins.
struct LogRule {
  std::string kind;                        // mta.delivery, mta.tls, mta.policy, ...
  std::string regex;                       // ECMAScript
  std::vector<std::string> fields;         // names of the capture groups, in order
  std::map<std::string, std::string> set;  // constant fields added to the event
};

struct LogFile {
  std::string file;
  std::string when;
  std::vector<LogRule> rules;
};

struct Target {
  std::string name;
  std::string title;
  std::vector<std::string> features;
  Capabilities capabilities;
  std::map<std::string, std::string> variables;
  // Set on targets made by `mutants:` (stslab.adapter/2): the base target, the defect, what
  // it breaks.
  std::string mutant_of;
  std::string defect;
  std::vector<std::string> requirements;

  bool has(const std::string& feature) const;  // true for ""
};

struct Manifest {
  std::string path;                    // the manifest file
  std::string dir;                     // its directory ({{data_dir}})
  std::vector<Directory> directories;  // created in the workdir
  std::vector<TemplateFile> templates;
  std::vector<std::pair<std::string, std::optional<std::string>>> environment;
  std::vector<std::string> faketime_library;  // glob patterns; the first match is used
  std::vector<Argv> prepare;
  std::vector<Service> services;
  Command submit, flush, queue;
  std::optional<Command> clear_cache;  // none: clear_policy_cache() has nothing to do
  std::map<std::string, Command> versions;
  std::vector<LogFile> logs;
  std::map<std::string, Target> targets;
};

// Parses and checks a manifest (unknown keys, missing commands, bad regexes are errors).
// Throws ManifestError naming the file.
Manifest load_manifest(const std::string& path);

// Where adapter data lives: $STSLAB_DATA_DIR if set, else the source tree's harness/ (in-tree
// builds), else the installed share/stslab. Manifests are <root>/adapters/*/manifest.yaml.
std::string data_root();
// Every manifest under data_root(), sorted by path.
std::vector<std::string> manifest_paths();

}  // namespace stslab::harness::adapters
