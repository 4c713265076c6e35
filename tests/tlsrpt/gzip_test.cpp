#include "stslab/tlsrpt/gzip.hpp"

#include <gtest/gtest.h>

#include "stslab/tlsrpt/input_error.hpp"

namespace stslab::tlsrpt {
namespace {

const std::string kText = R"({"organization-name": "x", "report-id": "gzip test"})";

InputErrorKind error_kind(const std::string& bytes, std::size_t limit = kMaxReportBytes) {
  try {
    gunzip(bytes, limit);
  } catch (const InputError& e) {
    return e.kind();
  }
  ADD_FAILURE() << "gunzip accepted the input";
  return InputErrorKind::not_json;
}

TEST(Gzip, RoundTrip) {
  const std::string packed = gzip(kText);
  EXPECT_TRUE(has_gzip_magic(packed));
  EXPECT_EQ(gunzip(packed), kText);
}

TEST(Gzip, MagicIsTheFirstTwoBytes) {
  EXPECT_FALSE(has_gzip_magic("{}"));
  EXPECT_FALSE(has_gzip_magic("\x1f"));
  EXPECT_TRUE(has_gzip_magic("\x1f\x8b"));
}

TEST(Gzip, ConcatenatedMembersAreOneStream) {
  EXPECT_EQ(gunzip(gzip("abc") + gzip("def")), "abcdef");
}

TEST(Gzip, TruncatedStreamIsNamedTruncated) {
  const std::string packed = gzip(kText);
  for (std::size_t cut :
       {std::size_t{5}, packed.size() / 2, packed.size() - 4, packed.size() - 1}) {
    EXPECT_EQ(error_kind(packed.substr(0, cut)), InputErrorKind::gzip_truncated) << "cut " << cut;
  }
}

TEST(Gzip, TruncationMessageSaysTruncated) {
  const std::string packed = gzip(kText);
  try {
    gunzip(packed.substr(0, packed.size() / 2));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
}

TEST(Gzip, DamagedCrcIsCorrupt) {
  std::string packed = gzip(kText);
  packed[packed.size() - 6] ^= 0x55;  // inside the CRC-32 of the trailer
  EXPECT_EQ(error_kind(packed), InputErrorKind::gzip_corrupt);
}

TEST(Gzip, TrailingGarbageIsCorrupt) {
  EXPECT_EQ(error_kind(gzip(kText) + "garbage"), InputErrorKind::gzip_corrupt);
}

TEST(Gzip, NotGzipIsCorrupt) {
  EXPECT_EQ(error_kind("{}"), InputErrorKind::gzip_corrupt);
}

TEST(Gzip, OutputLimitStopsABomb) {
  EXPECT_EQ(error_kind(gzip(std::string(100000, 'a')), 1000), InputErrorKind::too_large);
}

}  // namespace
}  // namespace stslab::tlsrpt
