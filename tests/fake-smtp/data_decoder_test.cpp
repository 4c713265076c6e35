#include "stslab/smtp/data_decoder.hpp"

#include <gtest/gtest.h>

namespace stslab::smtp {
namespace {

// Feeds `in` in pieces of `step` octets; returns the decoded data and how many octets were used.
std::pair<std::string, std::size_t> decode(std::string_view in, std::size_t step = 1 << 20,
                                           std::uint64_t cap = 1 << 20) {
  DataDecoder d;
  std::string out;
  std::size_t used = 0;
  while (used < in.size() && !d.done()) {
    used += d.feed(in.substr(used, step), out, cap);
  }
  EXPECT_TRUE(d.done());
  return {out, used};
}

TEST(DataDecoder, EndsAtCrLfDotCrLfAndKeepsTheLastLineEnding) {
  auto [out, used] = decode("Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n");
  EXPECT_EQ(out, "Subject: x\r\n\r\nbody\r\n");
  EXPECT_EQ(used, std::string("Subject: x\r\n\r\nbody\r\n.\r\n").size());
}

TEST(DataDecoder, EmptyMessage) {
  auto [out, used] = decode(".\r\n");
  EXPECT_EQ(out, "");
  EXPECT_EQ(used, 3u);
}

TEST(DataDecoder, RemovesStuffingDots) {
  EXPECT_EQ(decode("..leading dot\r\n...\r\n.\r\n").first, ".leading dot\r\n..\r\n");
  EXPECT_EQ(decode("a.b\r\n .\r\n.\r\n").first, "a.b\r\n .\r\n");  // only at line start
}

TEST(DataDecoder, SameResultFedOneOctetAtATime) {
  const std::string in = "l1\r\n..l2\r\n\r\r\n.\rx\r\n.\r\n";
  EXPECT_EQ(decode(in, 1).first, decode(in).first);
  EXPECT_EQ(decode(in).first, "l1\r\n.l2\r\n\r\r\n\rx\r\n");
}

TEST(DataDecoder, BareLfNeverEndsTheMessage) {
  DataDecoder d;
  std::string out;
  EXPECT_EQ(d.feed("a\n.\nb\r\n.\n", out, 100), 9u);
  EXPECT_FALSE(d.done());
  d.feed("\r\n.\r\n", out, 100);
  EXPECT_TRUE(d.done());
  // After a bare LF no line starts: that dot is data. After CRLF ".\n" is a stuffed empty text.
  EXPECT_EQ(out, "a\n.\nb\r\n\n\r\n");
}

TEST(DataDecoder, KeepsAtMostCapOctetsButCountsAll) {
  DataDecoder d;
  std::string out;
  d.feed(std::string(100, 'x') + "\r\n.\r\n", out, 10);
  EXPECT_TRUE(d.done());
  EXPECT_EQ(out.size(), 10u);
  EXPECT_EQ(d.size(), 102u);
}

TEST(DataDecoder, NulAndBinaryOctetsAreData) {
  const std::string in("a\0b\xff\r\n.\r\n", 9);
  EXPECT_EQ(decode(in).first, std::string("a\0b\xff\r\n", 6));
}

}  // namespace
}  // namespace stslab::smtp
