// stslab.command-adapter/1 manifests: what they become, the errors a broken one gives (file,
// line, field), mutant expansion, the reference manifest, and the registry that finds them
// (built-in, STSLAB_ADAPTER_PATH, add_adapter_manifest).
#include "stslab/harness/adapters/command_manifest.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "stslab/core/process.hpp"
#include "stslab/harness/adapters/registry.hpp"
#include "stslab/testing/scratch_dir.hpp"

namespace stslab::harness::adapters {
namespace {

using testing::ScratchDir;

const std::string kMinimal = R"(schema: stslab.command-adapter/1
capabilities: {time_control: none, tls_rpt: no, mta_sts: no}
commands:
  submit: "send {{from}} {{to}}"
targets:
  plain: {}
)";

// The error message a manifest with `text` gives ("" if it loads).
std::string error_of(const ScratchDir& dir, const std::string& text) {
  const auto path = dir.write("bad/manifest.yaml", text);
  try {
    load_command_manifest(path);
    return "";
  } catch (const ManifestError& e) {
    return e.what();
  }
}

TEST(CommandManifest, AMinimalManifestHasOneShotDefaults) {
  ScratchDir dir;
  const auto path = dir.write("m/manifest.yaml", kMinimal);
  ASSERT_TRUE(is_command_manifest(path));
  const auto m = load_command_manifest(path);
  EXPECT_EQ(m.submit_mode, SubmitMode::oneshot);
  EXPECT_EQ(m.submit, "send {{from}} {{to}}");
  EXPECT_EQ(m.dir, dir.path() + "/m");
  // A manifest named relative to the current directory still knows where it lives.
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  const auto relative = load_command_manifest("m/manifest.yaml");
  std::filesystem::current_path(cwd);
  EXPECT_EQ(relative.dir, dir.path() + "/m");
  const auto& t = m.targets.at("plain");
  EXPECT_FALSE(t.capabilities.mta_sts);
  EXPECT_FALSE(t.capabilities.tls_rpt);
  EXPECT_FALSE(t.capabilities.time_control);
  EXPECT_TRUE(t.capabilities.flush);  // a one-shot sender is flushed by running it again
  EXPECT_FALSE(t.capabilities.clear_cache);
}

TEST(CommandManifest, ReadsEveryCommandAndTargetOverrides) {
  ScratchDir dir;
  const auto path = dir.write("m/manifest.yaml", R"(schema: stslab.command-adapter/1
title: a daemon
submit_mode: daemon
requires: [mysender]
timeout: 5
capabilities: {time_control: faketime, tls_rpt: yes, mta_sts: yes}
environment: {FOO: "{{workdir}}/x", BAR: null}
commands:
  start: {run: "mysender -d", ready: {tcp: "{{mta_address}}:2525"}}
  submit: "mysender -q {{to}} < {{message}}"
  flush: "mysender -f"
  status: "mysender -s"
  clear_cache: "rm -rf x"
  stop: "mysender -k"
versions: {mysender: "mysender -v"}
targets:
  full: {title: Full, variables: {flags: "-x"}}
  no-rpt: {capabilities: {tls_rpt: no}}
)");
  const auto m = load_command_manifest(path);
  EXPECT_EQ(m.title, "a daemon");
  EXPECT_EQ(m.submit_mode, SubmitMode::daemon);
  EXPECT_EQ(m.start, "mysender -d");
  EXPECT_EQ(m.ready_tcp, "{{mta_address}}:2525");
  EXPECT_EQ(m.flush, "mysender -f");
  EXPECT_EQ(m.status, "mysender -s");
  EXPECT_EQ(m.stop, "mysender -k");
  EXPECT_EQ(m.timeout, std::chrono::seconds(5));
  EXPECT_EQ(m.requires_programs, std::vector<std::string>{"mysender"});
  ASSERT_EQ(m.environment.size(), 2u);
  EXPECT_FALSE(m.environment[1].second.has_value());
  const auto& full = m.targets.at("full");
  EXPECT_TRUE(full.capabilities.tls_rpt && full.capabilities.mta_sts && full.faketime);
  EXPECT_TRUE(full.capabilities.flush && full.capabilities.clear_cache);
  EXPECT_EQ(full.variables.at("flags"), "-x");
  EXPECT_FALSE(m.targets.at("no-rpt").capabilities.tls_rpt);
  EXPECT_TRUE(m.targets.at("no-rpt").capabilities.mta_sts);
}

TEST(CommandManifest, ErrorsNameTheFileTheLineAndTheField) {
  ScratchDir dir;
  const auto file = dir.path() + "/bad/manifest.yaml";
  auto err = error_of(dir,
                      "schema: stslab.command-adapter/1\ncapabilities: {}\ncommands:\n"
                      "  submit: x\n  sned: y\ntargets: {a: {}}\n");
  EXPECT_NE(err.find(file + ":5: commands: unknown key 'sned'"), std::string::npos) << err;

  err = error_of(dir,
                 "schema: stslab.command-adapter/1\ncapabilities: {mta_sts: maybe}\n"
                 "commands: {submit: x}\ntargets: {a: {}}\n");
  EXPECT_NE(err.find(file + ":2: capabilities.mta_sts: expected yes or no"), std::string::npos)
      << err;

  err = error_of(dir,
                 "schema: stslab.command-adapter/1\ncapabilities: {time_control: libfaketime}\n"
                 "commands: {submit: x}\ntargets: {a: {}}\n");
  EXPECT_NE(err.find("capabilities.time_control: expected none or faketime"), std::string::npos)
      << err;

  err = error_of(dir,
                 "schema: stslab.command-adapter/1\ncapabilities: {}\ncommands: {}\n"
                 "targets: {a: {}}\n");
  EXPECT_NE(err.find("'submit' is required"), std::string::npos) << err;

  err = error_of(dir,
                 "schema: stslab.command-adapter/1\nsubmit_mode: daemon\ncapabilities: {}\n"
                 "commands: {submit: x}\ntargets: {a: {}}\n");
  EXPECT_NE(err.find("needs 'status'"), std::string::npos) << err;

  err = error_of(dir,
                 "schema: stslab.command-adapter/1\ncapabilities: {}\n"
                 "commands: {submit: x}\ntargets: {}\n");
  EXPECT_NE(err.find("targets: at least one is required"), std::string::npos) << err;

  // A syntax error: yaml-cpp's own words, with the file.
  err = error_of(dir, "schema: [unclosed\n");
  EXPECT_EQ(err.rfind(file + ":", 0), 0u) << err;
}

// The safe default: each scenario's one-shot commands get their own state directory; a
// manifest that needs one for the whole run says so, and is then run one command at a time.
TEST(CommandManifest, SharedStateIsOffUnlessDeclaredAndOnlyForOneShotSenders) {
  ScratchDir dir;
  EXPECT_FALSE(load_command_manifest(dir.write("m/manifest.yaml", kMinimal)).shared_state);
  EXPECT_TRUE(load_command_manifest(dir.write("s/manifest.yaml", kMinimal + "shared_state: yes\n"))
                  .shared_state);
  EXPECT_NE(error_of(dir, kMinimal + "shared_state: maybe\n").find("manifest.yaml:7: shared_state"),
            std::string::npos)
      << error_of(dir, kMinimal + "shared_state: maybe\n");
  const auto daemon_only = error_of(
      dir, std::string(kMinimal).replace(kMinimal.find("  submit:"), 0, "  status: \"true\"\n") +
               "submit_mode: daemon\nshared_state: yes\n");
  EXPECT_NE(daemon_only.find("shared_state: only for one-shot senders"), std::string::npos)
      << daemon_only;
}

TEST(CommandManifest, AnUnknownPlaceholderIsAnErrorAtLoadTime) {
  ScratchDir dir;
  auto err = error_of(dir,
                      "schema: stslab.command-adapter/1\ncapabilities: {}\n"
                      "commands:\n  submit: \"send {{recipient}}\"\ntargets: {a: {}}\n");
  EXPECT_NE(err.find("commands.submit"), std::string::npos) << err;
  EXPECT_NE(err.find("{{recipient}}"), std::string::npos) << err;
  // The message placeholders exist only in submit.
  err = error_of(dir,
                 "schema: stslab.command-adapter/1\ncapabilities: {}\n"
                 "commands: {submit: x, flush: \"retry {{to}}\"}\ntargets: {a: {}}\n");
  EXPECT_NE(err.find("commands.flush"), std::string::npos) << err;
  // A target's variable may use lab placeholders, and submit its variables.
  err = error_of(dir,
                 "schema: stslab.command-adapter/1\ncapabilities: {}\n"
                 "commands: {submit: \"send {{flags}} {{to}}\"}\n"
                 "targets: {a: {variables: {flags: \"--state {{state_dir}}\"}}}\n");
  EXPECT_EQ(err, "");
}

TEST(CommandManifest, MutantsAreTargetsDerivedFromTheBase) {
  ScratchDir dir;
  const auto path = dir.write("m/manifest.yaml", R"(schema: stslab.command-adapter/1
capabilities: {time_control: none, tls_rpt: no, mta_sts: yes}
commands: {submit: "send {{flags}} {{to}}"}
targets:
  ref: {title: The reference, variables: {flags: "", other: keep}}
mutants:
  of: ref
  variable: flags
  value: "--defect {{defect}}"
  defects:
    no-cert-verify: [STS-CERT-02]
    two-things: [STS-MX-01, RPT-12]
)");
  const auto m = load_command_manifest(path);
  ASSERT_EQ(m.targets.size(), 3u);
  const auto& t = m.targets.at("ref+no-cert-verify");
  EXPECT_EQ(t.mutant_of, "ref");
  EXPECT_EQ(t.defect, "no-cert-verify");
  EXPECT_EQ(t.requirements, std::vector<std::string>{"STS-CERT-02"});
  EXPECT_EQ(t.variables.at("flags"), "--defect no-cert-verify");
  EXPECT_EQ(t.variables.at("other"), "keep");
  EXPECT_TRUE(t.capabilities.mta_sts);
  EXPECT_EQ(m.targets.at("ref+two-things").requirements.size(), 2u);
  EXPECT_EQ(m.targets.at("ref").variables.at("flags"), "");
}

TEST(CommandManifest, BrokenMutantsAreErrors) {
  ScratchDir dir;
  const std::string head =
      "schema: stslab.command-adapter/1\ncapabilities: {}\n"
      "commands: {submit: \"send {{flags}}\"}\n"
      "targets: {ref: {variables: {flags: \"\"}}}\n";
  auto err = error_of(dir, head +
                               "mutants: {of: nope, variable: flags, value: x, "
                               "defects: {a: [STS-CERT-02]}}\n");
  EXPECT_NE(err.find("mutants.of: no target 'nope'"), std::string::npos) << err;
  err = error_of(dir, head +
                          "mutants: {of: ref, variable: flagz, value: x, "
                          "defects: {a: [STS-CERT-02]}}\n");
  EXPECT_NE(err.find("has no variable 'flagz'"), std::string::npos) << err;
  err = error_of(dir, head +
                          "mutants: {of: ref, variable: flags, value: x, "
                          "defects: {a: [CERT-2]}}\n");
  EXPECT_NE(err.find("'CERT-2' is not a requirement ID"), std::string::npos) << err;
  err = error_of(dir, head +
                          "mutants: {of: ref, variable: flags, value: x, "
                          "defects: {Bad_Name: [STS-CERT-02]}}\n");
  EXPECT_NE(err.find("mutants.defects.Bad_Name"), std::string::npos) << err;
  err = error_of(dir, head +
                          "mutants: {of: ref, variable: flags, value: \"{{defekt}}\", "
                          "defects: {a: [STS-CERT-02]}}\n");
  EXPECT_NE(err.find("{{defekt}}"), std::string::npos) << err;
}

TEST(ReferenceManifest, DeclaresTheSenderAndOneMutantPerDefect) {
  const auto m = load_command_manifest(data_root() + "/adapters/reference/manifest.yaml");
  const auto& ref = m.targets.at("reference");
  EXPECT_TRUE(ref.capabilities.mta_sts);
  EXPECT_TRUE(ref.capabilities.tls_rpt);
  EXPECT_TRUE(ref.capabilities.report_flush);
  EXPECT_TRUE(ref.faketime);
  EXPECT_TRUE(ref.capabilities.clear_cache);
  EXPECT_NE(m.submit.find("{{stslab_sender}} send"), std::string::npos);
  EXPECT_NE(m.submit.find("--state-dir {{state_dir}}"), std::string::npos);
  EXPECT_NE(m.report.find("--domain {{policy_domain}}"), std::string::npos);
  EXPECT_EQ(m.clear_cache, "rm -rf \"$STSLAB_STATE_DIR/policies\"");
  EXPECT_EQ(m.targets.at("reference+no-sni").variables.at("sender_flags"), "--defect no-sni");
  EXPECT_EQ(m.targets.at("reference+policy-cert-no-verify").requirements,
            std::vector<std::string>{"STS-FETCH-02"});
}

#ifdef STSLAB_SENDER_PROGRAM
// The manifest's mutants are exactly the sender's own defect table, requirements included: a
// defect added to the sender and not to the manifest would never be mutation-tested.
TEST(ReferenceManifest, MutantsAreExactlyTheSendersDefects) {
  const auto r = stslab::core::run_process({.argv = {STSLAB_SENDER_PROGRAM, "list-defects"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::vector<std::string>> from_sender;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line);
    from_sender[j.at("name").get<std::string>()] =
        j.at("requirements").get<std::vector<std::string>>();
  }
  ASSERT_FALSE(from_sender.empty());
  const auto m = load_command_manifest(data_root() + "/adapters/reference/manifest.yaml");
  std::map<std::string, std::vector<std::string>> from_manifest;
  for (const auto& [name, t] : m.targets) {
    if (name != "reference") from_manifest[name.substr(name.find('+') + 1)] = t.requirements;
  }
  EXPECT_EQ(from_manifest, from_sender);
}
#endif

class Registry : public ::testing::Test {
 protected:
  void TearDown() override {
    clear_added_manifests();
    unsetenv("STSLAB_ADAPTER_PATH");
  }
};

TEST_F(Registry, BuiltInTargetsIncludeTheReferenceAndItsMutants) {
  const auto names = adapter_names();
  for (const char* name : {"postfix", "postfix-plain", "reference", "reference+no-cert-verify"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
  const auto mutants = adapter_mutants();
  ASSERT_GE(mutants.size(), 19u);
  const auto cn = std::find_if(mutants.begin(), mutants.end(),
                               [](const Mutant& m) { return m.defect == "cn-fallback"; });
  ASSERT_NE(cn, mutants.end());
  EXPECT_EQ(cn->target, "reference+cn-fallback");
  EXPECT_EQ(cn->base, "reference");
  EXPECT_EQ(cn->requirements, std::vector<std::string>{"STS-CERT-03"});
  EXPECT_EQ(make_adapter("reference+cn-fallback")->name(), "reference+cn-fallback");
}

TEST_F(Registry, AddedManifestsAndTheAdapterPathAddTargets) {
  ScratchDir dir;
  const auto one = dir.write("one/manifest.yaml", kMinimal);
  std::string two = kMinimal;
  two.replace(two.find("plain"), 5, "other");
  dir.write("path/two/manifest.yaml", two);

  EXPECT_THROW(make_adapter("plain"), std::invalid_argument);
  add_adapter_manifest(one);
  add_adapter_manifest(one);  // twice: harmless
  EXPECT_EQ(make_adapter("plain")->name(), "plain");
  setenv("STSLAB_ADAPTER_PATH", (dir.path() + "/path").c_str(), 1);
  EXPECT_EQ(make_adapter("other")->name(), "other");

  setenv("STSLAB_ADAPTER_PATH", (dir.path() + "/missing").c_str(), 1);
  try {
    adapter_names();
    FAIL() << "no error";
  } catch (const ManifestError& e) {
    EXPECT_NE(std::string(e.what()).find("STSLAB_ADAPTER_PATH: " + dir.path() + "/missing"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(Registry, ABrokenAddedManifestIsRejectedNamingItsFile) {
  ScratchDir dir;
  const auto bad = dir.write("bad.yaml",
                             "schema: stslab.command-adapter/1\ncapabilities: {}\n"
                             "commands: {submit: x}\ntargets: {a: {bogus: 1}}\n");
  try {
    add_adapter_manifest(bad);
    FAIL() << "no error";
  } catch (const ManifestError& e) {
    EXPECT_NE(std::string(e.what()).find(bad + ":4: targets.a: unknown key 'bogus'"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(add_adapter_manifest(dir.path() + "/nothing.yaml"), ManifestError);
}

// Issue 10, item 8: what a manifest is comes first; a directory names its manifest.yaml; no
// yaml-cpp words without file, line and what was expected.
TEST_F(Registry, TheSchemaIsCheckedFirstAndADirectoryStandsForItsManifest) {
  ScratchDir dir;
  const auto what = [&](const std::string& text) {
    const auto path = dir.write("m.yaml", text);
    try {
      add_adapter_manifest(path);
      return std::string();
    } catch (const ManifestError& e) {
      return std::string(e.what());
    }
  };
  EXPECT_NE(what("schema: stslab.adaptr/9\nbogus: 1\n")
                .find("m.yaml:1: schema: 'stslab.adaptr/9' is unknown here: expected "
                      "stslab.adapter/2 (stslab's schemas: stslab.adapter/2, and the older "
                      "stslab.adapter/1 and stslab.command-adapter/1)"),
            std::string::npos)
      << what("schema: stslab.adaptr/9\nbogus: 1\n");
  EXPECT_NE(what("bogus: 1\n").find("schema: required"), std::string::npos) << what("bogus: 1\n");
  EXPECT_NE(what("").find("the file is empty"), std::string::npos) << what("");
  // A sequence where a key's text belongs: yaml-cpp says "bad conversion".
  const auto conversion = what(std::string(kMinimal) + "environment: {[a, b]: c}\n");
  EXPECT_NE(conversion.find("m.yaml:7: a value of the wrong kind here"), std::string::npos)
      << conversion;
  EXPECT_EQ(conversion.find("bad conversion"), std::string::npos) << conversion;
  const auto escape = what("schema: \"\\q\"\n");
  EXPECT_NE(escape.find("m.yaml:1: YAML syntax error: unknown escape character"), std::string::npos)
      << escape;

  dir.write("adapter/manifest.yaml", kMinimal);
  EXPECT_NO_THROW(add_adapter_manifest(dir.path() + "/adapter"));
  EXPECT_EQ(make_adapter("plain")->name(), "plain");
  std::filesystem::create_directories(dir.path() + "/empty");
  try {
    add_adapter_manifest(dir.path() + "/empty");
    FAIL() << "no error";
  } catch (const ManifestError& e) {
    EXPECT_NE(std::string(e.what()).find("a directory without a manifest.yaml"), std::string::npos)
        << e.what();
  }
}

// `ready: {tcp: not-an-address}` waited 60 s at start; now it does not load.
TEST(CommandManifest, AReadyAddressThatIsNoAddressIsALoadError) {
  ScratchDir dir;
  const std::string start = "  start:\n    run: \"mysender\"\n    ready: {tcp: \"";
  std::string good = kMinimal;
  good.replace(good.find("  submit:"), 0, start + "{{mta_address}}:2525\"}\n");
  EXPECT_EQ(error_of(dir, good), "");
  std::string bad = kMinimal;
  bad.replace(bad.find("  submit:"), 0, start + "not-an-address\"}\n");
  EXPECT_NE(error_of(dir, bad).find(":6: commands.start.ready.tcp: 'not-an-address' is not an IPv4 "
                                    "ADDRESS:PORT"),
            std::string::npos)
      << error_of(dir, bad);
}

TEST_F(Registry, TheSameTargetNameInTwoFilesIsAnError) {
  ScratchDir dir;
  const auto a = dir.write("a.yaml", kMinimal);
  const auto b = dir.write("b.yaml", kMinimal);
  add_adapter_manifest(a);
  add_adapter_manifest(b);
  try {
    make_adapter("plain");
    FAIL() << "no error";
  } catch (const ManifestError& e) {
    EXPECT_NE(std::string(e.what()).find("also defined by " + a), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace stslab::harness::adapters
