// Mail decoding through GMime and decode(): mails written as literal text, reports gzipped with
// zlib and base64-encoded by hand.
#include "stslab/tlsrpt/mail.hpp"

#include <gtest/gtest.h>

#include "stslab/tlsrpt/decode.hpp"
#include "stslab/tlsrpt/gzip.hpp"
#include "stslab/tlsrpt/input_error.hpp"
#include "test_support.hpp"

namespace stslab::tlsrpt {
namespace {

const std::string kReport = R"({"organization-name": "Reporter Inc.", "report-id": "m1"})";

// A mail whose body is `body` under `content_type` (boundary "b1" for multiparts).
std::string mail_with(const std::string& content_type, const std::string& body,
                      const std::string& extra_headers = "") {
  return "From: reports@reporter.example\r\nTo: tlsrpt@example.net\r\n"
         "Subject: =?utf-8?q?Report_Domain:_example.net?= Submitter: reporter.example\r\n"
         " Report-ID: <m1@reporter.example>\r\n" +
         extra_headers + "MIME-Version: 1.0\r\nContent-Type: " + content_type + "\r\n\r\n" + body;
}

std::string report_part(const std::string& media_type, const std::string& payload,
                        const std::string& filename) {
  return "Content-Type: " + media_type +
         "\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"" +
         filename + "\"\r\n\r\n" + testing::base64(payload);
}

std::string tlsrpt_multipart(const std::string& report_part_text) {
  return mail_with("multipart/report; report-type=\"tlsrpt\"; boundary=\"b1\"",
                   "--b1\r\nContent-Type: text/plain\r\n\r\nA TLS report.\r\n--b1\r\n" +
                       report_part_text + "--b1--\r\n",
                   "TLS-Report-Domain: example.net\r\nTLS-Report-Submitter: reporter.example\r\n"
                   "DKIM-Signature: v=1; d=reporter.example; s=s1; l=99;\r\n"
                   "\th=from:tls-report-domain; b=abc\r\n");
}

InputErrorKind decode_error(const std::string& bytes) {
  try {
    decode(bytes);
  } catch (const InputError& e) {
    return e.kind();
  }
  ADD_FAILURE() << "decoded";
  return InputErrorKind::not_json;
}

TEST(MailDecode, GzipReportInMultipartReport) {
  const auto mail = tlsrpt_multipart(
      report_part("application/tlsrpt+gzip", gzip(kReport), "r!example.net!1!2.json.gz"));
  const MailReport r = extract_report_from_mail(mail);
  EXPECT_EQ(gunzip(r.attachment), kReport);
  const MailFacts& f = r.facts;
  EXPECT_EQ(f.top_media_type, "multipart/report");
  EXPECT_EQ(f.report_type, "tlsrpt");
  EXPECT_EQ(f.first_part_media_type, "text/plain");
  EXPECT_EQ(f.part_media_type, "application/tlsrpt+gzip");
  EXPECT_EQ(f.part_encoding, "base64");
  EXPECT_EQ(f.part_filename, "r!example.net!1!2.json.gz");
  EXPECT_EQ(f.part_number, "2");
  EXPECT_TRUE(f.part_inside_tlsrpt_report);
  EXPECT_EQ(f.report_parts, 1);
  EXPECT_EQ(f.report_domain, "example.net");
  EXPECT_EQ(f.report_submitter, "reporter.example");
  // RFC 2047 decoded and unfolded by GMime.
  ASSERT_TRUE(f.subject);
  EXPECT_NE(f.subject->find("Report Domain: example.net Submitter: reporter.example"),
            std::string::npos)
      << *f.subject;
  ASSERT_EQ(f.dkim.size(), 1u);
  EXPECT_EQ(f.dkim[0].domain, "reporter.example");
  EXPECT_TRUE(f.dkim[0].has_body_length);
  EXPECT_EQ(f.dkim[0].signed_headers, (std::vector<std::string>{"from", "tls-report-domain"}));
}

TEST(MailDecode, JsonReportPart) {
  const auto mail = tlsrpt_multipart(report_part("application/tlsrpt+json", kReport, "r.json"));
  const Decoded d = decode(mail);
  EXPECT_EQ(d.container, Container::mail);
  EXPECT_FALSE(d.gzipped);
  EXPECT_EQ(d.json_text, kReport);
}

TEST(MailDecode, ContentDecidesNotTheLabel) {
  const auto mail = tlsrpt_multipart(report_part("application/tlsrpt+json", gzip(kReport), "r"));
  const Decoded d = decode(mail);
  EXPECT_TRUE(d.gzipped);
  EXPECT_EQ(d.json_text, kReport);
  EXPECT_EQ(d.mail->part_media_type, "application/tlsrpt+json");
}

TEST(MailDecode, SinglePartReportMail) {
  const auto mail = mail_with("application/tlsrpt+gzip", testing::base64(gzip(kReport)),
                              "Content-Transfer-Encoding: base64\r\n");
  const MailReport r = extract_report_from_mail(mail);
  EXPECT_EQ(gunzip(r.attachment), kReport);
  EXPECT_EQ(r.facts.top_media_type, "application/tlsrpt+gzip");
  EXPECT_FALSE(r.facts.part_inside_tlsrpt_report);
  EXPECT_EQ(r.facts.part_number, "1");
  EXPECT_FALSE(r.facts.report_domain);
  EXPECT_TRUE(r.facts.dkim.empty());
}

TEST(MailDecode, PrefersThePartInsideTheTlsrptReport) {
  const std::string stray = report_part("application/tlsrpt+json", "{\"stray\": 1}", "x.json");
  const std::string inner =
      "Content-Type: multipart/report; report-type=tlsrpt; boundary=\"b2\"\r\n\r\n"
      "--b2\r\nContent-Type: text/plain\r\n\r\nreport\r\n--b2\r\n" +
      report_part("application/tlsrpt+json", kReport, "y.json") + "--b2--\r\n";
  const auto mail = mail_with("multipart/mixed; boundary=\"b1\"",
                              "--b1\r\n" + stray + "--b1\r\n" + inner + "--b1--\r\n");
  const MailReport r = extract_report_from_mail(mail);
  EXPECT_EQ(r.attachment, kReport);
  EXPECT_EQ(r.facts.part_number, "2.2");
  EXPECT_EQ(r.facts.report_parts, 2);
  EXPECT_TRUE(r.facts.part_inside_tlsrpt_report);
}

TEST(MailDecode, NoReportPartIsAnError) {
  const auto mail = mail_with("text/plain", "Hello\r\n");
  EXPECT_EQ(decode_error(mail), InputErrorKind::no_report_part);
}

TEST(MailDecode, TruncatedGzipInsideAMail) {
  const std::string packed = gzip(kReport);
  const auto mail = tlsrpt_multipart(
      report_part("application/tlsrpt+gzip", packed.substr(0, packed.size() / 2), "r.json.gz"));
  EXPECT_EQ(decode_error(mail), InputErrorKind::gzip_truncated);
}

TEST(MailDecode, SeedFixtureMail) {
  const Decoded d = decode(testing::fixture("seed001-google.eml"));
  EXPECT_EQ(d.container, Container::mail);
  EXPECT_TRUE(d.gzipped);
  EXPECT_EQ(d.json_text, testing::fixture("seed001-google.json"));
  EXPECT_EQ(d.mail->part_filename, "google.com!example.com!1774915200!1775001599.json.gz");
}

TEST(Decode, ByContentNotName) {
  EXPECT_EQ(decode(gzip(kReport)).container, Container::gzip);
  EXPECT_EQ(decode(gzip(kReport)).json_text, kReport);
  EXPECT_EQ(decode("  \r\n" + kReport).container, Container::json);
  // A JSON text is never taken for a header line, although `{"a":` would pass as one.
  EXPECT_EQ(decode(R"({"a":1})").container, Container::json);
}

TEST(Decode, LooksLikeMail) {
  EXPECT_TRUE(looks_like_mail("From: a@b\r\n"));
  EXPECT_TRUE(looks_like_mail("From a@b Thu Jan  1 00:00:00 2026\n"));
  EXPECT_TRUE(looks_like_mail("Return-Path: <a@b>\n"));
  EXPECT_FALSE(looks_like_mail("hello world"));
  EXPECT_FALSE(looks_like_mail(": x"));
}

}  // namespace
}  // namespace stslab::tlsrpt
