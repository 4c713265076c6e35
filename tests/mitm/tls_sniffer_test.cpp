#include "stslab/mitm/tls_sniffer.hpp"

#include <gtest/gtest.h>

namespace stslab::mitm {
namespace {

std::string record(unsigned char type, std::size_t length, char fill = 'x') {
  std::string r;
  r += static_cast<char>(type);
  r += '\x03';
  r += '\x03';
  r += static_cast<char>(length >> 8);
  r += static_cast<char>(length & 0xff);
  return r + std::string(length, fill);
}

std::string plaintext_alert(unsigned char description) {
  std::string r = record(21, 0);
  r += '\x02';
  r += static_cast<char>(description);
  r[4] = 2;
  return r;
}

TEST(TlsSniffer, NothingSeen) {
  TlsRecordSniffer s;
  EXPECT_FALSE(s.started_tls());
  EXPECT_EQ(s.summary()["first"], "none");
}

TEST(TlsSniffer, CountsRecordsSplitAcrossChunks) {
  std::string stream = record(22, 300) + record(20, 1) + record(23, 53) + record(23, 19);
  TlsRecordSniffer s;
  for (std::size_t i = 0; i < stream.size(); i += 7)
    s.feed(std::string_view(stream).substr(i, 7));
  EXPECT_TRUE(s.started_tls());
  EXPECT_EQ(s.handshake_records(), 1u);
  EXPECT_EQ(s.application_data_records(), 2u);
  EXPECT_EQ(s.alert_sized_application_records(), 1u);
  EXPECT_EQ(s.bytes(), stream.size());
  auto j = s.summary();
  EXPECT_EQ(j["first"], "tls-handshake");
  EXPECT_EQ(j["records"]["change_cipher_spec"], 1);
  EXPECT_TRUE(j["alert"].is_null());
}

TEST(TlsSniffer, ReadsAPlaintextAlert) {
  TlsRecordSniffer s;
  s.feed(record(22, 100) + plaintext_alert(48));
  EXPECT_EQ(s.plaintext_alert(), "unknown_ca");
  EXPECT_EQ(s.summary()["alert"], "unknown_ca");
}

TEST(TlsSniffer, PlaintextIsReportedWithAPreview) {
  TlsRecordSniffer s;
  s.feed("EHLO client.test\r\nMAIL FROM:<a@b>\r\n");
  EXPECT_TRUE(s.spoke_plaintext());
  EXPECT_EQ(s.summary()["first"], "plaintext");
  EXPECT_EQ(s.summary()["plaintext_preview"], "EHLO client.test  MAIL FROM:<a@b>  ");
}

TEST(TlsSniffer, GarbageAfterRecordsStopsInterpretation) {
  TlsRecordSniffer s;
  s.feed(record(22, 10) + "GARBAGE-GARBAGE" + record(23, 30));
  EXPECT_EQ(s.handshake_records(), 1u);
  EXPECT_EQ(s.application_data_records(), 0u);
  EXPECT_EQ(s.summary()["lost_sync"], true);
}

}  // namespace
}  // namespace stslab::mitm
