// Small helpers the fuzz targets share: the input as text, split into lines or pieces, and a
// scratch file for readers that take a path.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "stslab/core/journal.hpp"

namespace stslab::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Pieces of `text` between `sep` (an empty piece where two meet; the last piece too).
inline std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> pieces;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find(sep, start);
    pieces.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return pieces;
    start = end + 1;
  }
}

// Writes `data` the way the lab keeps it: as an event of a journal, written out as JSON lines.
inline void journal_round_trip(stslab::core::Source source, const std::string& kind,
                               nlohmann::json data) {
  static stslab::core::LabClock clock;
  stslab::core::Journal journal(clock);
  journal.append(source, kind, "", "", std::move(data));
  std::ostringstream out;
  journal.write_jsonl(out);
}

// A file in a private temporary directory below $TMPDIR (scripts/fuzz points it into the run's
// scratch directory, so a crash, which skips the destructor, leaves nothing in /tmp), rewritten
// for every input: the readers under test take paths (and name them in their errors), not
// bytes. Removed at a normal exit.
class ScratchFile {
 public:
  explicit ScratchFile(const std::string& name) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/stslab-fuzz-XXXXXX";
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed in " + pattern);
    dir_ = pattern;
    path_ = dir_ + "/" + name;
  }
  ~ScratchFile() {
    ::unlink(path_.c_str());
    ::rmdir(dir_.c_str());
  }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  const std::string& write(std::string_view bytes) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) throw std::runtime_error("cannot write " + path_);
    return path_;
  }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_, path_;
};

}  // namespace stslab::fuzz
