// The adapter manifests: the real postfix one (targets, capabilities, rendered configs) and the
// errors a broken manifest gives.
#include "stslab/harness/adapters/manifest.hpp"

#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "stslab/harness/adapters/manifest_adapter.hpp"

namespace stslab::harness::adapters {
namespace {

namespace fs = std::filesystem;

const std::string kPostfixManifest = data_root() + "/adapters/postfix/manifest.yaml";

LabContext lab() {
  return {.workdir = "/lab/run1/postfix",
          .ca_bundle = "/lab/run1/ca.pem",
          .dns_address = "127.0.0.53",
          .mta_address = "127.0.0.1",
          .sender_domain = "sender.test"};
}

std::map<std::string, std::string> configs_for(const std::string& target) {
  const auto m = load_manifest(kPostfixManifest);
  const auto& t = m.targets.at(target);
  return render_configs(m, t, lab_variables(m, t, lab()));
}

TEST(PostfixManifest, DefinesTheReferenceTargetAndTheControl) {
  const auto names = adapter_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "postfix"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "postfix-plain"), names.end());
  const auto m = load_manifest(kPostfixManifest);
  EXPECT_TRUE(m.targets.at("postfix").capabilities.mta_sts);
  EXPECT_FALSE(m.targets.at("postfix-plain").capabilities.mta_sts);
  EXPECT_TRUE(m.targets.at("postfix").capabilities.flush);
  EXPECT_FALSE(m.targets.at("postfix").capabilities.tls_rpt);
  auto adapter = make_adapter("postfix-plain");
  EXPECT_EQ(adapter->name(), "postfix-plain");
}

TEST(PostfixManifest, AnUnknownTargetNamesTheKnownOnes) {
  try {
    make_adapter("sendmail-9");
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("postfix-plain"), std::string::npos) << e.what();
  }
}

TEST(PostfixTemplates, ThePostfixTargetAsksTheResolverForPolicies) {
  const auto files = configs_for("postfix");
  ASSERT_EQ(files.count("etc/main.cf"), 1u);
  ASSERT_EQ(files.count("etc/master.cf"), 1u);
  ASSERT_EQ(files.count("resolver/mta-sts-daemon.yml"), 1u);
  const auto& main_cf = files.at("etc/main.cf");
  EXPECT_NE(main_cf.find("\nsmtp_tls_policy_maps = socketmap:inet:127.0.0.1:8461:postfix\n"),
            std::string::npos);
  EXPECT_NE(main_cf.find("queue_directory = /lab/run1/postfix/spool\n"), std::string::npos);
  EXPECT_NE(main_cf.find("maillog_file = /lab/run1/postfix/log/postfix.log\n"), std::string::npos);
  EXPECT_NE(main_cf.find("maillog_file_prefixes = /var, /dev/stdout, /lab/run1/postfix\n"),
            std::string::npos);
  EXPECT_NE(main_cf.find("smtp_tls_CAfile = /lab/run1/ca.pem\n"), std::string::npos);
  EXPECT_NE(main_cf.find("inet_interfaces = 127.0.0.1\n"), std::string::npos);
  EXPECT_NE(main_cf.find("myhostname = sender.test\n"), std::string::npos);
  EXPECT_NE(main_cf.find("LD_PRELOAD FAKETIME_TIMESTAMP_FILE"), std::string::npos);
  EXPECT_NE(files.at("etc/master.cf").find("\n127.0.0.1:25 inet n"), std::string::npos);
  EXPECT_NE(files.at("etc/master.cf").find("postlogd"), std::string::npos);
  const auto& yml = files.at("resolver/mta-sts-daemon.yml");
  EXPECT_NE(yml.find("host: 127.0.0.1\n"), std::string::npos);
  EXPECT_NE(yml.find("filename: \"/lab/run1/postfix/resolver/cache.db\""), std::string::npos);
  for (const auto& [path, text] : files) {
    EXPECT_EQ(text.find("{{"), std::string::npos) << path << " has an unrendered placeholder";
  }
}

TEST(PostfixTemplates, ThePlainTargetHasNoPolicyMapAndNoResolver) {
  const auto files = configs_for("postfix-plain");
  EXPECT_EQ(files.count("resolver/mta-sts-daemon.yml"), 0u);
  const auto& main_cf = files.at("etc/main.cf");
  EXPECT_EQ(main_cf.find("\nsmtp_tls_policy_maps ="), std::string::npos);
  EXPECT_NE(main_cf.find("smtp_tls_security_level = may\n"), std::string::npos);
  // Otherwise the same file.
  const auto with = configs_for("postfix").at("etc/main.cf");
  EXPECT_EQ(main_cf.substr(0, main_cf.find("no smtp_tls_policy_maps")),
            with.substr(0, with.find("smtp_tls_policy_maps")) + "# ");
}

TEST(PostfixManifest, ThePlainTargetFollowsOnlyThePostfixLog) {
  const auto m = load_manifest(kPostfixManifest);
  std::size_t followed = 0;
  for (const auto& log : m.logs)
    followed += m.targets.at("postfix-plain").has(log.when);
  EXPECT_EQ(followed, 1u);
}

TEST(PostfixAdapter, AWorkdirThePostfixUserCannotReachIsAClearErrorBeforeAnythingRuns) {
  if (getpwnam("postfix") == nullptr) GTEST_SKIP() << "no postfix user (postfix not installed)";
  char dir[] = "/tmp/stslab-unreachable-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);  // mode 0700
  core::LabClock clock;
  core::Journal journal(clock);
  auto context = lab();
  context.workdir = std::string(dir) + "/postfix";
  context.journal = &journal;
  auto adapter = make_adapter("postfix");
  try {
    adapter->start(context);
    FAIL() << "start() accepted an unreachable workdir";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("chmod o+x"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
  EXPECT_EQ(journal.size(), 0u);  // nothing was started
}

// Broken manifests, each written to a scratch file.
class BadManifest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("stslab-manifest-" + std::to_string(getpid()));
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  // A valid manifest with `extra` appended at the top level and `target_extra` in the target.
  std::string write(const std::string& body) {
    const auto path = (dir / "manifest.yaml").string();
    std::ofstream(path) << body;
    return path;
  }
  static std::string valid(const std::string& commands_extra = "",
                           const std::string& queue_format = "postqueue-json") {
    return "schema: stslab.adapter/1\n"
           "commands:\n"
           "  submit: {run: [sendmail, -f, '{{from}}', --, '{{to}}'], stdin_file: '{{message}}'}\n"
           "  flush: {run: [postqueue, -f]}\n"
           "  queue: {run: [postqueue, -j], format: " +
           queue_format + "}\n" + commands_extra +
           "targets:\n"
           "  t1:\n"
           "    capabilities: {flush: true}\n";
  }
  std::string error_of(const std::string& body) {
    try {
      load_manifest(write(body));
    } catch (const ManifestError& e) {
      return e.what();
    }
    return "";
  }
  fs::path dir;
};

TEST_F(BadManifest, AValidMinimalManifestLoads) {
  const auto m = load_manifest(write(valid()));
  EXPECT_EQ(m.targets.at("t1").capabilities.flush, true);
  EXPECT_EQ(m.targets.at("t1").capabilities.mta_sts, false);
}

TEST_F(BadManifest, AnUnknownKeyIsAnErrorWithFileAndLine) {
  const auto what = error_of(valid() + "typo_key: 1\n");
  EXPECT_NE(what.find("manifest.yaml:9:"), std::string::npos) << what;
  EXPECT_NE(what.find("unknown key 'typo_key'"), std::string::npos) << what;
}

TEST_F(BadManifest, ARegexWithTheWrongNumberOfFieldNamesIsAnError) {
  const auto what = error_of(valid() +
                             "logs:\n"
                             "  - file: x.log\n"
                             "    rules:\n"
                             "      - {kind: mta.tls, regex: '(a)(b)', fields: [one]}\n");
  EXPECT_NE(what.find("2 groups but 1 names"), std::string::npos) << what;
}

TEST_F(BadManifest, AnInvalidRegexIsAnError) {
  const auto what = error_of(valid() +
                             "logs:\n"
                             "  - file: x.log\n"
                             "    rules:\n"
                             "      - {kind: mta.tls, regex: '(unclosed', fields: []}\n");
  EXPECT_NE(what.find("rules[0].regex"), std::string::npos) << what;
}

TEST_F(BadManifest, ALogRuleMustNameATypedMtaEvent) {
  // The classifier reads mta.delivery as a struct: a kind nobody reads would be lost evidence.
  const auto what = error_of(valid() +
                             "logs:\n"
                             "  - file: x.log\n"
                             "    rules:\n"
                             "      - {kind: mta.deliverd, regex: '(a)', fields: [one]}\n");
  EXPECT_NE(what.find("manifest.yaml:12:"), std::string::npos) << what;
  EXPECT_NE(what.find("'mta.deliverd' is not an MTA event kind"), std::string::npos) << what;
  EXPECT_NE(error_of(valid() + "logs:\n  - file: x.log\n    rules:\n"
                               "      - {kind: smtp.message, regex: '(a)', fields: [one]}\n")
                .find("is not an MTA event kind"),
            std::string::npos);
}

TEST_F(BadManifest, AServiceNeedsExactlyOneWayToStart) {
  const auto what =
      error_of(valid() + "services:\n  - {name: s, run: [a], start: [b], stop: [c]}\n");
  EXPECT_NE(what.find("exactly one of"), std::string::npos) << what;
  const auto what2 = error_of(valid() + "services:\n  - {name: s, start: [b]}\n");
  EXPECT_NE(what2.find("'start' needs 'stop'"), std::string::npos) << what2;
}

TEST_F(BadManifest, MissingCommandsAndUnknownQueueFormatsAreErrors) {
  EXPECT_NE(error_of("schema: stslab.adapter/1\ncommands: {flush: {run: [x]}}\n"
                     "targets: {t: {capabilities: {}}}\n")
                .find("'submit' is required"),
            std::string::npos);
  EXPECT_NE(error_of(valid("", "mailq-text")).find("known formats"), std::string::npos);
}

TEST_F(BadManifest, SubmitTakesEitherAProgramOrAnSmtpAddress) {
  auto body = valid();
  const std::string by_program =
      "  submit: {run: [sendmail, -f, '{{from}}', --, '{{to}}'], stdin_file: '{{message}}'}\n";
  body.replace(body.find(by_program), by_program.size(),
               "  submit: {smtp: '{{mta_address}}:25'}\n");
  const auto m = load_manifest(write(body));
  EXPECT_EQ(m.submit.smtp, "{{mta_address}}:25");
  EXPECT_TRUE(m.submit.run.empty());

  auto both = valid();
  both.replace(both.find(by_program), by_program.size(),
               "  submit: {run: [sendmail], smtp: '127.0.0.1:25'}\n");
  EXPECT_NE(error_of(both).find("commands.submit: exactly one of 'run' and 'smtp'"),
            std::string::npos)
      << error_of(both);
  // Only a submission can go over SMTP.
  EXPECT_NE(error_of(valid("  clear_cache: {smtp: '127.0.0.1:25'}\n")).find("unknown key 'smtp'"),
            std::string::npos)
      << error_of(valid("  clear_cache: {smtp: '127.0.0.1:25'}\n"));
}

TEST_F(BadManifest, AWrongSchemaIsAnError) {
  auto body = valid();
  body.replace(body.find("stslab.adapter/1"), 16, "stslab.adapter/9");
  EXPECT_NE(error_of(body).find("expected stslab.adapter/1"), std::string::npos);
}

TEST_F(BadManifest, ATargetVariableWithAnUnknownPlaceholderFailsWhenRendered) {
  auto body = valid();
  body += "    variables: {x: '{{no_such_thing}}'}\n";
  const auto m = load_manifest(write(body));
  EXPECT_THROW(lab_variables(m, m.targets.at("t1"), lab()), TemplateError);
}

TEST_F(BadManifest, TheDataDirectoryCanBeOverridden) {
  fs::create_directories(dir / "adapters" / "mine");
  std::ofstream((dir / "adapters" / "mine" / "manifest.yaml").string()) << valid();
  setenv("STSLAB_DATA_DIR", dir.c_str(), 1);
  const auto names = adapter_names();
  unsetenv("STSLAB_DATA_DIR");
  EXPECT_EQ(names, std::vector<std::string>{"t1"});
}

}  // namespace
}  // namespace stslab::harness::adapters
