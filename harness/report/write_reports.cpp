#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "stslab/harness/result.hpp"

namespace stslab::harness {
namespace {

namespace fs = std::filesystem;

// Writes to "<name>.tmp" and renames, so a CI job or a person never reads half a report.
void write_file(const fs::path& path, const std::string& content) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      throw std::runtime_error("cannot write " + tmp.string() + ": " + std::strerror(errno));
    }
    out << content;
    out.flush();
    if (!out)
      throw std::runtime_error("cannot write " + tmp.string() + ": " + std::strerror(errno));
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw std::runtime_error("cannot rename " + tmp.string() + " to " + path.string() + ": " +
                             ec.message());
  }
}

}  // namespace

void check_report_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create report directory " + dir + ": " + ec.message());
  if (!fs::is_directory(dir)) throw std::runtime_error(dir + " is not a directory");
  const auto probe = fs::path(dir) / ".stslab-write-probe";
  {
    std::ofstream out(probe, std::ios::trunc);
    out << "probe\n";
    out.flush();
    if (!out) {
      throw std::runtime_error("cannot write in report directory " + dir + ": " +
                               std::strerror(errno));
    }
  }
  fs::remove(probe, ec);
}

void write_reports(const std::vector<RunResult>& runs, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create report directory " + dir + ": " + ec.message());
  const fs::path base(dir);
  // to_json already made every string valid UTF-8; replace is the belt to those braces.
  write_file(base / "report.json",
             to_json(runs).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  write_file(base / "junit.xml", render_junit(runs));
  write_file(base / "report.md", render_markdown(runs));
}

}  // namespace stslab::harness
