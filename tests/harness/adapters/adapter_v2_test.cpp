// stslab.adapter/2: the one schema. What a file reads into (services or shell lines, by its
// submit and status), every error of a broken file at once as "file:line: field: message",
// mutants of any target, the shipped manifests in /2, and that a /1 file and its /2 rewrite read
// into the same thing.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <variant>

#include "stslab/harness/adapters/adapter_file.hpp"
#include "stslab/harness/adapters/registry.hpp"
#include "stslab/testing/scratch_dir.hpp"

namespace stslab::harness::adapters {
namespace {

using testing::ScratchDir;

std::string error_of(const std::string& path) {
  try {
    load_adapter_file(path);
    return "";
  } catch (const ManifestError& e) {
    return e.what();
  }
}

const std::string kServices = R"(schema: stslab.adapter/2
services:
  - {name: mta, run: [mta, -f], output: "{{workdir}}/mta.out", ready: {tcp: "{{mta_address}}:25"}}
submit: {smtp: "{{mta_address}}:25"}
status:
  logs:
    - file: "{{workdir}}/mta.log"
      rules:
        - {kind: mta.delivery, regex: 'to=<([^>]*)> status=(\w+)', fields: [recipient, status]}
commands:
  flush: [mta, flush]
  queue: {run: [mta, queue], format: postqueue-json}
capabilities: {time_control: faketime, mta_sts: yes}
targets:
  mta: {variables: {flags: ""}}
mutants:
  of: mta
  variable: flags
  value: "--defect {{defect}}"
  defects: {no-verify: [STS-CERT-02]}
)";

TEST(AdapterV2, ASenderHandedMailBySmtpAndReadFromItsLogsRunsAsServices) {
  ScratchDir dir;
  const auto file = load_adapter_file(dir.write("m/manifest.yaml", kServices));
  EXPECT_EQ(file.schema, "stslab.adapter/2");
  const auto* m = std::get_if<Manifest>(&file.runner);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->submit.smtp, "{{mta_address}}:25");
  ASSERT_EQ(m->services.size(), 1u);
  EXPECT_EQ(m->services[0].run, (Argv{"mta", "-f"}));
  ASSERT_EQ(m->logs.size(), 1u);
  EXPECT_EQ(m->logs[0].rules.at(0).fields, (std::vector<std::string>{"recipient", "status"}));
  EXPECT_EQ(m->flush.run, (Argv{"mta", "flush"}));
  const auto& t = m->targets.at("mta");
  EXPECT_TRUE(t.capabilities.flush);         // there is a flush command
  EXPECT_FALSE(t.capabilities.clear_cache);  // and no clear_cache command
  EXPECT_TRUE(t.capabilities.time_control);
  EXPECT_FALSE(t.capabilities.tls_rpt);
  EXPECT_TRUE(t.capabilities.mta_sts);
  // Mutants for a target that runs as services too.
  const auto& mutant = m->targets.at("mta+no-verify");
  EXPECT_EQ(mutant.mutant_of, "mta");
  EXPECT_EQ(mutant.variables.at("flags"), "--defect no-verify");
  EXPECT_EQ(file.targets(false), (std::vector<std::string>{"mta"}));
  EXPECT_EQ(file.targets(true), (std::vector<std::string>{"mta", "mta+no-verify"}));
}

TEST(AdapterV2, ADaemonWithAStatusCommandIsDrivenByShellLines) {
  ScratchDir dir;
  const auto path = dir.write("d/manifest.yaml", R"(schema: stslab.adapter/2
services:
  - name: sender
    run: "mysender --listen {{mta_address}}:2525"
    ready: {tcp: "{{mta_address}}:2525"}
    stop: "mysender --stop"
submit: {command: "mysender-submit {{to}} < {{message}}"}
status: {command: "mysender-status"}
commands: {flush: "mysender-flush"}
capabilities: {mta_sts: yes, tls_rpt: yes}
targets: {d: ~}
)");
  const auto m = std::get<CommandManifest>(load_adapter_file(path).runner);
  EXPECT_EQ(m.submit_mode, SubmitMode::daemon);
  EXPECT_EQ(m.start, "mysender --listen {{mta_address}}:2525");
  EXPECT_EQ(m.ready_tcp, "{{mta_address}}:2525");
  EXPECT_EQ(m.stop, "mysender --stop");
  EXPECT_EQ(m.status, "mysender-status");
  const auto& t = m.targets.at("d");
  EXPECT_TRUE(t.capabilities.flush);
  EXPECT_FALSE(t.capabilities.clear_cache);
  EXPECT_FALSE(t.capabilities.time_control);
  EXPECT_TRUE(t.capabilities.tls_rpt);
}

// Log rules for every kind of sender: beside a one-shot submit (or a status command) they are
// evidence; the deliveries stay the attempt's (or the status command's) word.
TEST(AdapterV2, ASenderDrivenByShellLinesMayHaveLogRulesAsEvidence) {
  ScratchDir dir;
  const auto path = dir.write("o/manifest.yaml", R"(schema: stslab.adapter/2
submit: {oneshot: "send {{to}} < {{message}}"}
status:
  logs:
    - file: "{{workdir}}/send.log"
      rules:
        - {kind: mta.tls, regex: 'tls to (\S+) verified=(\w+)', fields: [mx, verified]}
targets: {o: ~}
)");
  const auto m = std::get<CommandManifest>(load_adapter_file(path).runner);
  EXPECT_EQ(m.submit_mode, SubmitMode::oneshot);
  EXPECT_EQ(m.status, "");
  ASSERT_EQ(m.logs.size(), 1u);
  EXPECT_EQ(m.logs[0].file, "{{workdir}}/send.log");
  ASSERT_EQ(m.logs[0].rules.size(), 1u);
  EXPECT_EQ(m.logs[0].rules[0].kind, "mta.tls");

  const auto daemon = dir.write("d/manifest.yaml", R"(schema: stslab.adapter/2
submit: {command: "q {{to}}"}
status:
  command: "q-status"
  logs: [{file: "{{workdir}}/q.log", rules: [{kind: mta.policy, regex: 'policy (\S+)', fields: [domain]}]}]
targets: {d: ~}
)");
  const auto d = std::get<CommandManifest>(load_adapter_file(daemon).runner);
  EXPECT_EQ(d.status, "q-status");
  ASSERT_EQ(d.logs.size(), 1u);
}

TEST(AdapterV2, LogRulesOfAShellLineSenderAddNoDeliveriesAndKnowNoFeatures) {
  ScratchDir dir;
  const auto path = dir.write("b/manifest.yaml", R"(schema: stslab.adapter/2
submit: {oneshot: "send {{to}}"}
status:
  logs:
    - file: "{{workdir}}/send.log"
      when: tls
      rules:
        - {kind: mta.delivery, regex: 'to=(\S+)', fields: [recipient]}
targets: {b: ~}
)");
  const auto err = error_of(path);
  EXPECT_NE(err.find(path + ":6: status.logs[0].when: a sender driven by shell lines has no "
                            "target features"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find(path + ":8: status.logs[0].rules[0].kind: mta.delivery comes from the "
                            "status command or the one-shot attempt"),
            std::string::npos)
      << err;
  EXPECT_NE(error_of(dir.write("e/manifest.yaml",
                               "schema: stslab.adapter/2\nsubmit: {oneshot: x}\nstatus: {}\n"
                               "targets: {a: ~}\n"))
                .find(":3: status: give logs, command or both"),
            std::string::npos);
}

TEST(AdapterV2, EveryErrorOfABrokenFileIsNamedAtOnce) {
  ScratchDir dir;
  const auto path = dir.write("bad/manifest.yaml", R"(schema: stslab.adapter/2
submit: {oneshot: [send, "{{to}}"]}
commands: {clear_cache: "true", flsh: "x"}
capabilities: {mta_sts: maybe}
targets:
  a: {title: A, colour: red}
)");
  const auto err = error_of(path);
  EXPECT_NE(err.find(path + ":2: submit.oneshot: an argv list, but this sender is driven by "
                            "shell lines"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find(path + ":3: commands: unknown key 'flsh'"), std::string::npos) << err;
  EXPECT_NE(err.find(path + ":4: capabilities.mta_sts: expected yes or no"), std::string::npos)
      << err;
  EXPECT_NE(err.find(path + ":6: targets.a: unknown key 'colour'"), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 3) << err;  // four errors, one per line
}

TEST(AdapterV2, ACommandOfTheOtherFormSaysWhichFormBelongsThere) {
  ScratchDir dir;
  auto text = kServices;
  text.replace(text.find("flush: [mta, flush]"), 19, "flush: \"mta flush\"");
  const auto err = error_of(dir.write("f/manifest.yaml", text));
  EXPECT_NE(err.find("commands.flush: a shell line, but this sender runs as services"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("write an argv list"), std::string::npos) << err;

  EXPECT_NE(error_of(dir.write("g/manifest.yaml",
                               "schema: stslab.adapter/2\nsubmit: {smtp: a, oneshot: b}\n"
                               "targets: {a: ~}\n"))
                .find("submit: give exactly one of smtp, command and oneshot"),
            std::string::npos);
  EXPECT_NE(error_of(dir.write("h/manifest.yaml",
                               "schema: stslab.adapter/2\nsubmit: {command: x}\n"
                               "status: {command: y}\ntemplates: []\ntargets: {a: ~}\n"))
                .find("templates: only a sender that runs as services"),
            std::string::npos);
  EXPECT_NE(error_of(dir.write("i/manifest.yaml",
                               "schema: stslab.adapter/2\nsubmit: {oneshot: \"send {{too}}\"}\n"
                               "targets: {a: ~}\n"))
                .find(":2: submit.oneshot: "),
            std::string::npos);
}

// The /1 schemas keep loading; a /1 file and its /2 rewrite read into the same runner.
TEST(AdapterV2, AVersion1FileAndItsRewriteReadAlike) {
  ScratchDir dir;
  const auto v1 =
      load_adapter_file(dir.write("one/manifest.yaml", R"(schema: stslab.command-adapter/1
submit_mode: oneshot
capabilities: {time_control: faketime, tls_rpt: yes, mta_sts: yes}
commands:
  submit: "send {{from}} {{to}} {{flags}}"
  clear_cache: "rm -rf x"
  report: "send --report {{policy_domain}}"
targets:
  s: {variables: {flags: ""}}
mutants: {of: s, variable: flags, value: "--defect {{defect}}", defects: {d: [RPT-12]}}
)"));
  const auto v2 = load_adapter_file(dir.write("two/manifest.yaml", R"(schema: stslab.adapter/2
capabilities: {time_control: faketime, tls_rpt: yes, mta_sts: yes}
submit: {oneshot: "send {{from}} {{to}} {{flags}}"}
commands:
  clear_cache: "rm -rf x"
  report: "send --report {{policy_domain}}"
targets:
  s: {variables: {flags: ""}}
mutants: {of: s, variable: flags, value: "--defect {{defect}}", defects: {d: [RPT-12]}}
)"));
  EXPECT_EQ(v1.schema, "stslab.command-adapter/1");
  const auto& a = std::get<CommandManifest>(v1.runner);
  const auto& b = std::get<CommandManifest>(v2.runner);
  EXPECT_EQ(a.submit, b.submit);
  EXPECT_EQ(a.submit_mode, b.submit_mode);
  EXPECT_EQ(a.clear_cache, b.clear_cache);
  EXPECT_EQ(a.report, b.report);
  ASSERT_EQ(a.targets.size(), b.targets.size());
  for (const auto& [name, t] : a.targets) {
    const auto& u = b.targets.at(name);
    EXPECT_EQ(t.variables, u.variables) << name;
    EXPECT_EQ(t.faketime, u.faketime) << name;
    EXPECT_EQ(t.mutant_of, u.mutant_of) << name;
    EXPECT_EQ(t.requirements, u.requirements) << name;
    for (auto [x, y] : {std::pair{t.capabilities.flush, u.capabilities.flush},
                        {t.capabilities.clear_cache, u.capabilities.clear_cache},
                        {t.capabilities.time_control, u.capabilities.time_control},
                        {t.capabilities.tls_rpt, u.capabilities.tls_rpt},
                        {t.capabilities.report_flush, u.capabilities.report_flush},
                        {t.capabilities.mta_sts, u.capabilities.mta_sts}}) {
      EXPECT_EQ(x, y) << name;
    }
  }
}

// What the shipped files are: every one is /2, and the Postfix targets keep the capabilities
// they had as stslab.adapter/1 (flush, clear_cache, time control; MTA-STS only with the resolver).
TEST(AdapterV2, TheShippedManifestsAreVersion2) {
  for (const auto& path : manifest_paths()) {
    EXPECT_EQ(adapter_schema(path), "stslab.adapter/2") << path;
  }
  const auto postfix = load_adapter_file(data_root() + "/adapters/postfix/manifest.yaml");
  const auto& m = std::get<Manifest>(postfix.runner);
  for (const auto& [name, mta_sts] : {std::pair{"postfix", true}, {"postfix-plain", false}}) {
    const auto& c = m.targets.at(name).capabilities;
    EXPECT_TRUE(c.flush && c.clear_cache && c.time_control) << name;
    EXPECT_FALSE(c.tls_rpt || c.report_flush) << name;
    EXPECT_EQ(c.mta_sts, mta_sts) << name;
  }
  const auto reference = load_adapter_file(data_root() + "/adapters/reference/manifest.yaml");
  EXPECT_TRUE(std::holds_alternative<CommandManifest>(reference.runner));
  EXPECT_FALSE(adapter_mutants().empty());
}

}  // namespace
}  // namespace stslab::harness::adapters
