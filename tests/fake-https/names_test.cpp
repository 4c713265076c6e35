// SNI extension parsing, Host normalisation and journal-safe escaping: the pure functions that
// see hostile bytes first.
#include "stslab/https/names.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace stslab::https {
namespace {

std::vector<unsigned char> sni_extension(const std::string& name, unsigned char type = 0) {
  const std::size_t entry = 3 + name.size();
  std::vector<unsigned char> ext;
  ext.reserve(2 + entry);
  for (std::size_t b :
       {entry >> 8, entry & 0xff, std::size_t{type}, name.size() >> 8, name.size() & 0xff}) {
    ext.push_back(static_cast<unsigned char>(b));
  }
  for (char c : name)
    ext.push_back(static_cast<unsigned char>(c));
  return ext;
}

TEST(SniExtension, ReturnsTheHostNameLowercasedWithoutTrailingDot) {
  EXPECT_EQ(parse_sni_extension(sni_extension("MTA-STS.A.Test.")), "mta-sts.a.test");
}

TEST(SniExtension, SkipsEntriesOfOtherTypes) {
  auto ext = sni_extension("ignored", 7);
  const auto second = sni_extension("mta-sts.b.test");
  ext.insert(ext.end(), second.begin() + 2, second.end());  // append the entry, not its list length
  const std::size_t list = ext.size() - 2;
  ext[0] = static_cast<unsigned char>(list >> 8);
  ext[1] = static_cast<unsigned char>(list & 0xff);
  EXPECT_EQ(parse_sni_extension(ext), "mta-sts.b.test");
}

TEST(SniExtension, RejectsMalformedInput) {
  EXPECT_EQ(parse_sni_extension({}), std::nullopt);
  const std::vector<unsigned char> one_byte = {0};
  EXPECT_EQ(parse_sni_extension(one_byte), std::nullopt);

  auto wrong_list_length = sni_extension("a.test");
  wrong_list_length[1] += 1;
  EXPECT_EQ(parse_sni_extension(wrong_list_length), std::nullopt);

  auto name_overruns = sni_extension("a.test");
  name_overruns[4] += 10;
  EXPECT_EQ(parse_sni_extension(name_overruns), std::nullopt);

  EXPECT_EQ(parse_sni_extension(sni_extension("")), std::nullopt);
  EXPECT_EQ(parse_sni_extension(sni_extension("a.test", 1)), std::nullopt);

  const std::vector<unsigned char> truncated_entry = {0, 2, 0, 0};
  EXPECT_EQ(parse_sni_extension(truncated_entry), std::nullopt);
}

TEST(NormalizeHost, StripsPortCaseAndTrailingDot) {
  EXPECT_EQ(normalize_host("MTA-STS.A.Test:8443"), "mta-sts.a.test");
  EXPECT_EQ(normalize_host("mta-sts.a.test."), "mta-sts.a.test");
  EXPECT_EQ(normalize_host("  a.test  "), "a.test");
  EXPECT_EQ(normalize_host("[::1]:443"), "::1");
  EXPECT_EQ(normalize_host("::1"), "::1");
  EXPECT_EQ(normalize_host("127.0.0.2:443"), "127.0.0.2");
  EXPECT_EQ(normalize_host(""), "");
  EXPECT_EQ(normalize_host("[::1"), "::1");
}

TEST(Printable, EscapesEverythingButPrintableAscii) {
  EXPECT_EQ(printable("mta-sts.a.test"), "mta-sts.a.test");
  EXPECT_EQ(printable(std::string("a\x01\xff\n", 4)), "a\\x01\\xff\\x0a");
}

}  // namespace
}  // namespace stslab::https
