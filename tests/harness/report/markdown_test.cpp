#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "sample_runs.hpp"
#include "stslab/harness/result.hpp"

namespace stslab::harness {
namespace {

using fixtures::sample_runs;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

// Table rows: lines that start with "|".
std::vector<std::string> table_rows(const std::string& md) {
  std::vector<std::string> out;
  for (const auto& line : lines(md)) {
    if (!line.empty() && line[0] == '|') out.push_back(line);
  }
  return out;
}

// Cell separators a Markdown renderer sees: pipes not escaped by a backslash.
std::size_t unescaped_pipes(const std::string& line) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\') {
      ++i;  // the next character is escaped
    } else if (line[i] == '|') {
      ++count;
    }
  }
  return count;
}

TEST(Markdown, HeadingVersionsSummaryAndTablePerTarget) {
  const auto runs = sample_runs();
  const std::string md = render_markdown({runs[0]});
  EXPECT_THAT(md, HasSubstr("\n## postfix\n"));
  EXPECT_THAT(md, HasSubstr("Versions: postfix 3.7.11, postfix-mta-sts-resolver 1.4.0\n"));
  EXPECT_THAT(
      md, HasSubstr("\nPASS 1, FAIL 1, WARN 1, INFO 1, INCONCLUSIVE 1, UNSUPPORTED 1, ERROR 1\n"));
  EXPECT_THAT(md, Not(HasSubstr("## Matrix")));  // one run: no matrix

  const auto rows = table_rows(md);
  ASSERT_EQ(rows.size(), 2u + 7u);  // header, separator, one row per scenario
  EXPECT_EQ(rows[0], "| scenario | level | expected | outcome | verdict | reason |");
  EXPECT_EQ(rows[1], "|---|---|---|---|---|---|");
  EXPECT_EQ(rows[2],
            "| v/pass | MUST | withheld | delivered-plaintext + reported | PASS | "
            "reason for pass |");
  EXPECT_EQ(rows[3], "| v/fail | MUST | withheld | delivered-plaintext | FAIL | reason for fail |");
  EXPECT_EQ(rows[4],
            "| v/warn | SHOULD | withheld | delivered-plaintext | WARN | reason for warn |");
  EXPECT_EQ(rows[6],
            "| v/inconclusive | MUST | withheld | — | INCONCLUSIVE | "
            "reason for inconclusive |");
}

TEST(Markdown, HostileReasonStaysOneEscapedCell) {
  auto runs = sample_runs();
  runs[0].results[0].reason = fixtures::kHostile;
  runs[0].results[1].scenario = "a|b\nc";
  runs[0].results[2].reason = std::string(1000, 'x');
  const std::string md = render_markdown({runs[0]});
  const auto rows = table_rows(md);
  ASSERT_EQ(rows.size(), 9u) << md;  // no row broken onto a second line
  for (const auto& row : rows)
    EXPECT_EQ(unescaped_pipes(row), 7u) << row;
  EXPECT_THAT(rows[2], HasSubstr("\\<b\\>\\&amp; \\| pipe next line   tab "));
  EXPECT_THAT(rows[2], HasSubstr("bad:\xEF\xBF\xBD\xEF\xBF\xBD( \\]\\]\\> \"q' \xEF\xBF\xBE end"));
  EXPECT_THAT(rows[3], ::testing::StartsWith("| a\\|b c |"));
  // A long reason is cut to one readable line.
  EXPECT_THAT(rows[4], HasSubstr(std::string(240, 'x') + "… |"));
  EXPECT_THAT(rows[4], Not(HasSubstr(std::string(241, 'x'))));
}

TEST(Markdown, MatrixWhenSeveralRuns) {
  const std::string md = render_markdown(sample_runs());
  EXPECT_THAT(md, HasSubstr("## Matrix"));
  const auto all = lines(md);
  const auto at = std::find(all.begin(), all.end(), "## Matrix");
  ASSERT_NE(at, all.end());
  // Heading, blank line, then the matrix: scenario rows x target columns.
  EXPECT_EQ(*(at + 2), "| scenario | postfix | postfix-plain |");
  EXPECT_EQ(*(at + 3), "|---|---|---|");
  EXPECT_EQ(*(at + 4),
            "| v/pass | PASS (delivered-plaintext + reported) | "
            "PASS (delivered-plaintext + reported) |");
  EXPECT_EQ(*(at + 5), "| v/fail | FAIL (delivered-plaintext) | FAIL (delivered-plaintext) |");
  EXPECT_EQ(*(at + 6), "| v/warn | WARN (delivered-plaintext) | — |");
  // A scenario only one target ran is a row too, with a gap for the other.
  EXPECT_THAT(md, HasSubstr("| only/plain | — | PASS (delivered-plaintext + reported) |"));
  // And each target still gets its own section.
  EXPECT_THAT(md, HasSubstr("\n## postfix\n"));
  EXPECT_THAT(md, HasSubstr("\n## postfix-plain\n"));
}

TEST(Markdown, SameAdapterTwiceGetsNumberedColumns) {
  auto runs = sample_runs();
  runs[1].target.adapter = "postfix";
  EXPECT_THAT(render_markdown(runs), HasSubstr("| scenario | postfix | postfix #2 |"));
}

TEST(Markdown, EmptyInputsSayso) {
  EXPECT_THAT(render_markdown({}), HasSubstr("No runs."));
  RunResult empty;
  empty.target.adapter = "postfix";
  const std::string md = render_markdown({empty});
  EXPECT_THAT(md, HasSubstr("No scenarios ran."));
  EXPECT_THAT(md, HasSubstr("Versions: not recorded"));
}

}  // namespace
}  // namespace stslab::harness
