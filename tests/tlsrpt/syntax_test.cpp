// The small syntax helpers: RFC 3339 date-times, names and addresses, DKIM tag lists.
#include <gtest/gtest.h>

#include "stslab/tlsrpt/dkim.hpp"
#include "stslab/tlsrpt/names.hpp"
#include "stslab/tlsrpt/rfc3339.hpp"

namespace stslab::tlsrpt {
namespace {

TEST(Rfc3339, UtcAndOffsets) {
  EXPECT_EQ(parse_rfc3339("2026-03-31T00:00:00Z")->unix_seconds, 1774915200);
  EXPECT_EQ(parse_rfc3339("2026-03-31T02:00:00+02:00")->unix_seconds, 1774915200);
  EXPECT_EQ(parse_rfc3339("2026-03-30t19:00:00.25-05:00")->unix_seconds, 1774915200);
  EXPECT_TRUE(parse_rfc3339("2026-03-31T00:00:00Z")->has_zone);
}

TEST(Rfc3339, MissingZoneIsReadAsUtcAndFlagged) {
  const auto t = parse_rfc3339("2026-03-31T00:00:00");
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->has_zone);
  EXPECT_EQ(t->unix_seconds, 1774915200);
}

TEST(Rfc3339, RejectsWhatIsNotADateTime) {
  for (const char* bad : {"2026-03-31", "2026-02-30T00:00:00Z", "2026-03-31 00:00:00Z",
                          "2026-03-31T24:00:00Z", "2026-03-31T00:00:00+0200", "1774915200",
                          "2026-03-31T00:00:00Zjunk", "2026-03-31T00:00:00."}) {
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
  }
}

TEST(Names, Hostnames) {
  EXPECT_TRUE(is_hostname("mail.example.com"));
  EXPECT_TRUE(is_hostname("xn--bcher-kva.example."));
  EXPECT_TRUE(is_hostname("*.example.com", true));
  EXPECT_FALSE(is_hostname("*.example.com"));
  EXPECT_FALSE(is_hostname("exa mple.com"));
  EXPECT_FALSE(is_hostname("-a.example"));
  EXPECT_FALSE(is_hostname("a..example"));
  EXPECT_FALSE(is_hostname(""));
}

TEST(Names, AsciiOnlyForALabels) {
  EXPECT_TRUE(is_ascii("xn--bcher-kva.test"));
  EXPECT_FALSE(
      is_ascii("b\xc3\xbc"
               "cher.test"));
}

TEST(Names, IpAddresses) {
  EXPECT_EQ(classify_ip("192.0.2.1"), IpSyntax::ipv4);
  EXPECT_EQ(classify_ip("2001:db8::1"), IpSyntax::ipv6_canonical);
  EXPECT_EQ(classify_ip("::ffff:192.0.2.1"), IpSyntax::ipv6_canonical);
  EXPECT_EQ(classify_ip("2001:DB8::1"), IpSyntax::ipv6_not_canonical);
  EXPECT_EQ(classify_ip("2001:db8:0:0:0:0:0:1"), IpSyntax::ipv6_not_canonical);
  EXPECT_EQ(classify_ip("2001:db8::0:1"), IpSyntax::ipv6_not_canonical);  // RFC 5952 §4.2.2
  EXPECT_EQ(classify_ip("192.0.2.256"), IpSyntax::invalid);
  EXPECT_EQ(classify_ip("mail.example"), IpSyntax::invalid);
}

TEST(Names, AddrSpecDomain) {
  EXPECT_EQ(addr_spec_domain("smtp-tls-reporting@google.com"), "google.com");
  EXPECT_EQ(addr_spec_domain("Google Inc."), "");
  EXPECT_EQ(addr_spec_domain("a@b@c.example"), "");
  EXPECT_EQ(addr_spec_domain("<x@y.example>"), "");
  EXPECT_EQ(addr_spec_domain("@y.example"), "");
}

TEST(Dkim, TagsWithFoldingWhitespace) {
  const auto sig = parse_dkim_signature(
      "v=1; a=rsa-sha256; d=Example.COM; s=tlsrpt;\r\n\th=From : TLS-Report-Domain:\r\n "
      "tls-report-submitter; bh=x; b=y");
  EXPECT_EQ(sig.domain, "example.com");
  EXPECT_EQ(sig.selector, "tlsrpt");
  EXPECT_FALSE(sig.has_body_length);
  EXPECT_EQ(sig.signed_headers,
            (std::vector<std::string>{"from", "tls-report-domain", "tls-report-submitter"}));
}

TEST(Dkim, BodyLengthTag) {
  EXPECT_TRUE(parse_dkim_signature("v=1; d=a.example; l=1234; h=from; b=x").has_body_length);
  EXPECT_TRUE(parse_dkim_signature("v=1; d=a.example; l = 0 ; b=x").has_body_length);
  // "l" inside another tag's value is not the tag.
  EXPECT_FALSE(parse_dkim_signature("v=1; d=l.example; b=l=x").has_body_length);
}

}  // namespace
}  // namespace stslab::tlsrpt
