// Every way a scenario file can be wrong yields a ScenarioError naming the file, the line and
// the field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "temp_catalog.hpp"

namespace stslab::harness {
namespace {

using ::testing::HasSubstr;
using testing::TempCatalog;

// A valid scenario, one key per line; tests replace or append lines to break it.
const std::vector<std::string> valid_lines{
    "id: rfc8461/5/x",               // 1
    "title: a title",                // 2
    "requirements: [STS-APPLY-01]",  // 3
    "level: MUST",                   // 4
    "world: enforce",                // 5
    "steps:",                        // 6
    "  - prime",                     // 7
    "  - send: m1",                  // 8
    "expect:",                       // 9
    "  m1: [withheld]",              // 10
};

std::string text_of(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines)
    text += l + "\n";
  return text;
}

std::vector<std::string> with(std::size_t line, const std::string& replacement) {
  auto lines = valid_lines;
  lines.at(line - 1) = replacement;
  return lines;
}

std::vector<std::string> plus(std::initializer_list<std::string> extra) {
  auto lines = valid_lines;
  lines.insert(lines.end(), extra.begin(), extra.end());
  return lines;
}

class ScenarioErrors : public ::testing::Test {
 protected:
  // Loads the file and asserts that exactly one error is reported, at that line and field, and
  // that its message has `words` in it.
  void expect_error(const std::vector<std::string>& lines, int line, const std::string& field,
                    const std::string& words) {
    const auto errors = cat_.errors_of("case.yaml", text_of(lines));
    ASSERT_EQ(errors.size(), 1u) << all(errors);
    const ScenarioError& e = errors.front();
    EXPECT_THAT(e.where().file, HasSubstr("case.yaml"));
    EXPECT_EQ(e.where().line, line) << e.what();
    EXPECT_EQ(e.field(), field) << e.what();
    EXPECT_THAT(e.message(), HasSubstr(words));
    EXPECT_THAT(e.what(), HasSubstr("case.yaml:" + std::to_string(line) + ": "));
  }

  static std::string all(const std::vector<ScenarioError>& errors) {
    return errors.empty() ? "no error" : format_errors(errors);
  }

  TempCatalog cat_;
};

TEST_F(ScenarioErrors, TheValidBaseLoads) {
  EXPECT_TRUE(cat_.errors_of("case.yaml", text_of(valid_lines)).empty());
}

TEST_F(ScenarioErrors, YamlSyntax) {
  expect_error(with(2, "title: a: b"), 2, "", "YAML syntax error");
}

TEST_F(ScenarioErrors, EmptyFileAndNotAMap) {
  expect_error({""}, 1, "", "empty");
  expect_error({"- a", "- b"}, 1, "", "expected a map");
}

TEST_F(ScenarioErrors, UnknownKeys) {
  expect_error(plus({"expected: {m1: [withheld]}"}), 11, "expected", "unknown key");
  expect_error(plus({"policy: {mode: enforce, max-age: 5}"}), 11, "policy.max-age", "unknown key");
  expect_error(plus({"mx: {mx1: {certificate: expired}}"}), 11, "mx.mx1.certificate",
               "unknown key (known: preference, in_dns, cert");
  expect_error(plus({"policy_host: {ip: 1}"}), 11, "policy_host.ip", "unknown key");
  expect_error(plus({"policy_host: {sni_required: maybe}"}), 11, "policy_host.sni_required",
               "expected true or false");
}

TEST_F(ScenarioErrors, KeyGivenTwice) {
  expect_error(plus({"level: SHOULD"}), 11, "level", "twice");
}

TEST_F(ScenarioErrors, MissingRequiredKey) {
  auto lines = valid_lines;
  lines.erase(lines.begin() + 1);  // title
  expect_error(lines, 1, "title", "missing");
}

TEST_F(ScenarioErrors, WrongTypes) {
  expect_error(with(2, "title: [a, b]"), 2, "title", "expected a text value, got a list");
  expect_error(plus({"mx: {mx1: {starttls: maybe}}"}), 11, "mx.mx1.starttls",
               "expected true or false");
  expect_error(plus({"mx: {mx1: {preference: high}}"}), 11, "mx.mx1.preference",
               "expected a number in 0..65535");
  expect_error(plus({"policy_host: {status: 99}"}), 11, "policy_host.status", "100..599");
  expect_error(plus({"policy: {mx: mx1.example}"}), 11, "policy.mx", "expected a list");
  expect_error(plus({"dns: {a: b}"}), 11, "dns", "expected a list, got a map");
}

TEST_F(ScenarioErrors, UnknownOutcome) {
  expect_error(with(10, "  m1: [withheld, delivered]"), 10, "expect.m1[1]",
               "unknown outcome 'delivered'");
  expect_error(with(10, "  m1: []"), 10, "expect.m1", "non-empty list");
}

TEST_F(ScenarioErrors, UnknownLevel) {
  expect_error(with(4, "level: MUSTNT"), 4, "level", "unknown level 'MUSTNT' (known: MUST");
}

TEST_F(ScenarioErrors, UnknownCertificateProfile) {
  expect_error(plus({"mx:", "  mx1:", "    cert: exipred"}), 13, "mx.mx1.cert",
               "unknown certificate profile 'exipred'");
  expect_error(plus({"policy_host: {cert: bogus}"}), 11, "policy_host.cert",
               "unknown certificate profile");
}

TEST_F(ScenarioErrors, UnknownAttack) {
  expect_error(with(7, "  - attack: {mx1: strip}"), 7, "steps[0].attack.mx1",
               "unknown attack 'strip' (known:");
  expect_error(plus({"mx: {mx1: {attack: tarpit}}"}), 11, "mx.mx1.attack", "unknown attack");
}

TEST_F(ScenarioErrors, BadAttackParameters) {
  expect_error(with(7, "  - attack: {mx1: \"intercept-tls colour=red\"}"), 7, "steps[0].attack.mx1",
               "no parameter 'colour'");
  expect_error(with(7, "  - attack: {mx1: \"intercept-tls profile=fake\"}"), 7,
               "steps[0].attack.mx1", "unknown certificate profile 'fake'");
  expect_error(with(7, "  - attack: {mx1: \"strip-starttls oops\"}"), 7, "steps[0].attack.mx1",
               "not key=value");
  // The attacker's own value checks, at load: the loader once let these through to the run.
  expect_error(with(7, "  - attack: {mx1: \"intercept-tls tls_min=1.7\"}"), 7,
               "steps[0].attack.mx1", "attack 'intercept-tls': tls_min:");
  // Quotes as the attacker reads them: the value keeps its blanks, and a CR in it is refused.
  expect_error(with(7, "  - attack: {mx1: \"inject-after-starttls lines=\\\"a\\rb\\\"\"}"), 7,
               "steps[0].attack.mx1", "lines: a line must not contain CR or LF");
}

TEST_F(ScenarioErrors, AttackOnUnknownMx) {
  expect_error(with(7, "  - attack: {mx9: strip-starttls}"), 7, "steps[0].attack.mx9",
               "no MX 'mx9' in the world (known: mx1)");
}

TEST_F(ScenarioErrors, MessageSentTwice) {
  auto lines = valid_lines;
  lines.insert(lines.begin() + 8, "  - send: m1");
  expect_error(lines, 9, "steps[2].send", "already sent at line 8");
}

TEST_F(ScenarioErrors, ExpectForAMessageNeverSent) {
  expect_error(plus({"  m2: [withheld]"}), 11, "expect.m2", "never sent");
}

TEST_F(ScenarioErrors, NothingExpected) {
  expect_error(with(10, "  {}"), 10, "expect", "at least one");
}

TEST_F(ScenarioErrors, BadId) {
  expect_error(with(1, "id: rfc8461/5/Enforce_Stripped"), 1, "id", "not of the form");
  expect_error(with(1, "id: rfc9999/5/x"), 1, "id", "not of the form");
  expect_error(with(1, "id: rfc8461/x"), 1, "id", "not of the form");
  expect_error(with(1, "id: rfc8461/3.1/x"), 1, "id", "not of the form");
}

TEST_F(ScenarioErrors, BadRequirementId) {
  expect_error(with(3, "requirements: [STS-APPLY-01, STS-APPLY-1]"), 3, "requirements[1]",
               "not a requirement ID");
  expect_error(with(3, "requirements: [RPT-1a]"), 3, "requirements[0]", "not a requirement ID");
  expect_error(with(3, "requirements: []"), 3, "requirements", "at least one");
}

TEST_F(ScenarioErrors, BadDuration) {
  expect_error(with(7, "  - advance: 2 days"), 7, "steps[0].advance", "not a duration");
  expect_error(with(7, "  - advance: 90"), 7, "steps[0].advance", "not a duration");
}

TEST_F(ScenarioErrors, BadSteps) {
  expect_error(with(7, "  - wait"), 7, "steps[0]", "unknown step 'wait'");
  expect_error(with(7, "  - send"), 7, "steps[0]", "needs an argument");
  expect_error(with(7, "  - prime: now"), 7, "steps[0]", "takes no argument");
  expect_error(with(7, "  - {send: m0, flush: x}"), 7, "steps[0]", "one key");
  expect_error(with(7, "  - change: {}"), 7, "steps[0].change", "nothing to change");
  expect_error(with(7, "  - change: {mode: testing}"), 7, "steps[0].change.mode", "unknown key");
  auto bad_name = with(8, "  - send: M_1");
  bad_name.at(9) = "  M_1: [withheld]";
  expect_error(bad_name, 8, "steps[1].send", "message name");
}

TEST_F(ScenarioErrors, PrimeMessageNamesAreReserved) {
  auto lines = with(8, "  - send: prime1");
  lines.at(9) = "  prime1: [withheld]";
  expect_error(lines, 8, "steps[1].send", "reserved");
}

TEST_F(ScenarioErrors, NoSteps) {
  const auto errors = cat_.errors_of(
      "case.yaml",
      text_of({"id: rfc8461/5/x", "title: a title", "requirements: [STS-APPLY-01]", "level: MUST",
               "world: enforce", "steps: []", "expect: {m1: [withheld]}"}));
  // The first error says why; the expectation then names a message never sent.
  ASSERT_EQ(errors.size(), 2u) << all(errors);
  EXPECT_EQ(errors[0].where().line, 6);
  EXPECT_EQ(errors[0].field(), "steps");
  EXPECT_EQ(errors[0].message(), "no steps");
  EXPECT_EQ(errors[1].field(), "expect.m1");
}

TEST_F(ScenarioErrors, PrimeWithoutAPolicyToFetch) {
  // prime waits for the policy host to serve the policy: it never would here.
  expect_error(plus({"policy: null"}), 7, "steps[0]", "no policy");
  expect_error(plus({"policy_host: {up: false}"}), 7, "steps[0]", "policy host is down");
  expect_error(plus({"sts_record: null"}), 7, "steps[0]", "no _mta-sts TXT record");
  auto late = valid_lines;
  late.insert(late.begin() + 6, "  - remove_sts_record");
  expect_error(late, 8, "steps[1]", "no _mta-sts TXT record");
}

TEST_F(ScenarioErrors, UnknownWorld) {
  expect_error(with(5, "world: enforced"), 5, "world", "unknown world 'enforced' (known: enforce)");
  expect_error(with(5, "world: ../worlds/enforce"), 5, "world", "unknown world");
}

TEST_F(ScenarioErrors, UnknownNeedAndPlaceholder) {
  expect_error(plus({"needs: [dane]"}), 11, "needs[0]", "unknown capability 'dane'");
  expect_error(plus({"sts_record: \"v=STSv1; id={policyid}\""}), 11, "sts_record",
               "unknown placeholder '{policyid}'");
}

TEST_F(ScenarioErrors, RemovingAnMxThatIsNotThere) {
  expect_error(plus({"mx: {mx2: null}"}), 11, "mx.mx2", "no MX 'mx2' to remove");
}

TEST_F(ScenarioErrors, AllErrorsOfAFileAreReported) {
  auto lines = with(4, "level: HIGH");
  lines.at(9) = "  m1: [lost]";
  const auto errors = cat_.errors_of("case.yaml", text_of(lines));
  ASSERT_EQ(errors.size(), 2u) << all(errors);
  EXPECT_EQ(errors[0].where().line, 4);
  EXPECT_EQ(errors[1].where().line, 10);
  // The thrown error lists both, one per line.
  try {
    cat_.load("case.yaml", text_of(lines));
  } catch (const ScenarioError& e) {
    EXPECT_THAT(e.what(), HasSubstr("case.yaml:4: level: unknown level 'HIGH'"));
    EXPECT_THAT(e.what(), HasSubstr("\n"));
    EXPECT_THAT(e.what(), HasSubstr("case.yaml:10: expect.m1[0]: unknown outcome 'lost'"));
  }
}

TEST_F(ScenarioErrors, ErrorsInABaseWorldNameTheWorldFile) {
  cat_.write("worlds/broken.yaml",
             "policy:\n  mode: enforce\n  mx: [a, b]\nmx: {mx1: {cert: nope}}\n");
  const auto errors = cat_.errors_of("case.yaml", text_of(with(5, "world: broken")));
  ASSERT_EQ(errors.size(), 2u) << all(errors);
  EXPECT_THAT(errors[0].where().file, HasSubstr("worlds/broken.yaml"));
  EXPECT_EQ(errors[0].where().line, 4);
  EXPECT_EQ(errors[0].field(), "mx.mx1.cert");
  EXPECT_THAT(errors[1].message(), HasSubstr("has errors"));
}

TEST_F(ScenarioErrors, WorldsStartingFromEachOtherInACircle) {
  cat_.write("worlds/a.yaml", "world: b\n");
  cat_.write("worlds/b.yaml", "world: a\n");
  const auto errors = cat_.errors_of("case.yaml", text_of(with(5, "world: a")));
  ASSERT_FALSE(errors.empty());
  EXPECT_THAT(all(errors), HasSubstr("circle"));
}

TEST(ScenarioErrorText, FormatsFileLineFieldMessage) {
  const ScenarioError e({"scenarios/x.yaml", 12}, "steps[2].send", "unknown message 'm3'");
  EXPECT_STREQ(e.what(), "scenarios/x.yaml:12: steps[2].send: unknown message 'm3'");
  const ScenarioError no_field({"x.yaml", 0}, "", "cannot read the file");
  EXPECT_STREQ(no_field.what(), "x.yaml: cannot read the file");
  EXPECT_EQ(format_errors({e, no_field}),
            "scenarios/x.yaml:12: steps[2].send: unknown message 'm3'\nx.yaml: cannot read the "
            "file");
}

}  // namespace
}  // namespace stslab::harness
