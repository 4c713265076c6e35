#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sample_runs.hpp"
#include "stslab/harness/result.hpp"

namespace stslab::harness {
namespace {

namespace fs = std::filesystem;
using fixtures::sample_runs;
using ::testing::HasSubstr;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class WriteReports : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "stslab-report-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  fs::path root_;
};

TEST_F(WriteReports, WritesTheThreeFilesIntoANewDirectory) {
  const auto runs = sample_runs();
  const fs::path dir = root_ / "a" / "b";
  write_reports(runs, dir.string());

  EXPECT_EQ(runs_from_json(nlohmann::json::parse(slurp(dir / "report.json"))), runs);
  EXPECT_EQ(slurp(dir / "junit.xml"), render_junit(runs));
  EXPECT_EQ(slurp(dir / "report.md"), render_markdown(runs));
  // Nothing else is left behind (no temporary files).
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir))
    ++files;
  EXPECT_EQ(files, 3u);
}

TEST_F(WriteReports, ReplacesAnEarlierReport) {
  write_reports(sample_runs(), root_.string());
  write_reports({}, root_.string());
  EXPECT_EQ(runs_from_json(nlohmann::json::parse(slurp(root_ / "report.json"))).size(), 0u);
}

TEST_F(WriteReports, HostileEvidenceStillWritesValidJson) {
  auto runs = sample_runs();
  runs[0].results[0].evidence["smtp"].push_back(fixtures::kHostile);
  write_reports(runs, root_.string());
  const auto text = slurp(root_ / "report.json");
  nlohmann::json parsed;
  ASSERT_NO_THROW(parsed = nlohmann::json::parse(text));
  EXPECT_THAT(parsed.dump(), HasSubstr("bad:\xEF\xBF\xBD"));
}

TEST_F(WriteReports, AnUnwritableDirectoryIsAClearError) {
  // /proc/self exists but takes no new files, not even from root.
  try {
    write_reports(sample_runs(), "/proc/self");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot write /proc/self/report.json.tmp"));
  }
}

TEST_F(WriteReports, APathThatIsAFileIsAClearError) {
  const fs::path file = root_ / "file";
  std::ofstream(file) << "x";
  try {
    write_reports(sample_runs(), (file / "sub").string());
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot create report directory"));
  }
}

}  // namespace
}  // namespace stslab::harness
