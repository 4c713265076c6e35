// The rua URI reader the sender and the harness share (core/rua_uri.hpp).
#include "stslab/core/rua_uri.hpp"

#include <gtest/gtest.h>

using stslab::core::parse_rua_uri;
using stslab::core::RuaUri;

TEST(RuaUri, MailtoGivesTheDecodedAddressAndItsDomain) {
  const auto uri = parse_rua_uri("mailto:tls%2Drpt@Rpt.A.test?subject=x");
  ASSERT_TRUE(uri);
  EXPECT_EQ(uri->scheme, RuaUri::Scheme::mailto);
  EXPECT_EQ(uri->uri, "mailto:tls%2Drpt@Rpt.A.test?subject=x");
  EXPECT_EQ(uri->address, "tls-rpt@Rpt.A.test");
  EXPECT_EQ(uri->host, "rpt.a.test");
}

TEST(RuaUri, HttpsGivesHostWithoutPortAndThePath) {
  const auto uri = parse_rua_uri("https://Reports.A.test:8443/tlsrpt?k=1");
  ASSERT_TRUE(uri);
  EXPECT_EQ(uri->scheme, RuaUri::Scheme::https);
  EXPECT_EQ(uri->host, "reports.a.test");
  EXPECT_EQ(uri->path, "/tlsrpt?k=1");
  EXPECT_EQ(parse_rua_uri("https://reports.a.test")->path, "/");
}

TEST(RuaUri, WhatIsNoUriIsRefusedAndOtherSchemesAreKeptAsUnsupported) {
  EXPECT_FALSE(parse_rua_uri("tlsrpt@a.test"));
  EXPECT_FALSE(parse_rua_uri("mailto:no-at-sign"));
  EXPECT_FALSE(parse_rua_uri("mailto:@a.test"));
  EXPECT_FALSE(parse_rua_uri("https:reports.a.test"));
  EXPECT_FALSE(parse_rua_uri("mailto:a b@a.test"));
  EXPECT_FALSE(parse_rua_uri("1mailto:a@b"));
  const auto other = parse_rua_uri("ftp://a.test/x");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->scheme, RuaUri::Scheme::unsupported);
}
