#include "stslab/harness/adapters/template.hpp"

#include <gtest/gtest.h>

namespace stslab::harness::adapters {
namespace {

TEST(Template, ReplacesEveryPlaceholderAndLeavesOtherSyntaxAlone) {
  const Variables vars = {{"workdir", "/lab/pf"}, {"mta_address", "127.0.0.1"}};
  EXPECT_EQ(render("queue_directory = {{workdir}}/spool\n$myhostname ${x} {y}\n"
                   "{{ mta_address }}:25 {{workdir}}",
                   vars),
            "queue_directory = /lab/pf/spool\n$myhostname ${x} {y}\n127.0.0.1:25 /lab/pf");
}

TEST(Template, ValuesAreInsertedVerbatimNotRenderedAgain) {
  EXPECT_EQ(render("{{a}}", {{"a", "{{b}}"}}), "{{b}}");
}

TEST(Template, AnUnknownPlaceholderIsAnErrorNamingItAndTheTemplate) {
  try {
    render("x {{nope}} y", {{"workdir", "/w"}}, "main.cf.in");
    FAIL() << "no error";
  } catch (const TemplateError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("main.cf.in"), std::string::npos) << what;
    EXPECT_NE(what.find("{{nope}}"), std::string::npos) << what;
    EXPECT_NE(what.find("workdir"), std::string::npos) << what;  // lists the known ones
  }
}

TEST(Template, AnUnclosedPlaceholderIsAnError) {
  EXPECT_THROW(render("a {{workdir", {{"workdir", "/w"}}), TemplateError);
}

TEST(Template, RendersEveryArgument) {
  EXPECT_EQ(render(std::vector<std::string>{"postfix", "-c", "{{workdir}}/etc", "start"},
                   {{"workdir", "/w"}}),
            (std::vector<std::string>{"postfix", "-c", "/w/etc", "start"}));
}

}  // namespace
}  // namespace stslab::harness::adapters
