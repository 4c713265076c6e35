// read_input_file(): what the CLI reads a report from. Once a directory threw
// basic_filebuf::underflow, a FIFO blocked forever and /dev/zero was read until bad_alloc.
#include "stslab/tlsrpt/input_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "stslab/tlsrpt/input_error.hpp"

namespace stslab::tlsrpt {
namespace {

class InputFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("stslab-tlsrpt-input-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& bytes) {
    const auto path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  // The error read_input_file throws, as "kind: message".
  static std::string error_of(const std::string& path, std::size_t cap = kMaxInputBytes) {
    try {
      read_input_file(path, cap);
    } catch (const InputError& e) {
      return std::string(to_string(e.kind())) + ": " + e.what();
    }
    return "read";
  }

  std::filesystem::path dir_;
};

TEST_F(InputFile, ReadsARegularFileWhole) {
  const std::string bytes = std::string("{\"a\":\0\x01}", 9) + std::string(100000, 'x');
  EXPECT_EQ(read_input_file(write("r.json", bytes)), bytes);
  EXPECT_EQ(read_input_file(write("empty.json", "")), "");
}

TEST_F(InputFile, ADirectoryIsRefused) {
  EXPECT_EQ(error_of(dir_.string()),
            "unreadable: a directory, not a report file; only regular files are read");
}

TEST_F(InputFile, AFifoIsRefusedWithoutBlocking) {
  const auto fifo = (dir_ / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(error_of(fifo).rfind("unreadable: a FIFO (named pipe), not a report file", 0), 0u)
      << error_of(fifo);
}

TEST_F(InputFile, ADeviceIsRefused) {
  EXPECT_EQ(error_of("/dev/zero").rfind("unreadable: a character device", 0), 0u)
      << error_of("/dev/zero");
}

TEST_F(InputFile, AMissingFileSaysSo) {
  EXPECT_EQ(error_of((dir_ / "none.json").string()),
            "unreadable: cannot open: No such file or directory");
}

TEST_F(InputFile, TheCapIsInclusive) {
  EXPECT_EQ(read_input_file(write("at-cap.json", std::string(1000, 'x')), 1000).size(), 1000u);
  EXPECT_EQ(error_of(write("over-cap.json", std::string(1001, 'x')), 1000),
            "too-large: larger than the 1000 bytes input cap; not read");
}

TEST_F(InputFile, AFileThatStatCallsEmptyIsStillCapped) {
  // /proc files say 0 bytes; the read loop, not stat, enforces the cap.
  EXPECT_EQ(error_of("/proc/self/maps", 10),
            "too-large: larger than the 10 bytes input cap; not read");
}

TEST_F(InputFile, CapsAreNamedInMiB) {
  EXPECT_EQ(size_text(kMaxInputBytes), "64 MiB");
  EXPECT_EQ(size_text(1000), "1000 bytes");
}

}  // namespace
}  // namespace stslab::tlsrpt
