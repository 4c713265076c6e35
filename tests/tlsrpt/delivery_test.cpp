// The delivery checks (RFC 8460 §5) on hand-made transport facts: HTTPS media types, report
// filenames, and the mail header fields, Subject, DKIM-Signature and MIME structure.
#include <gtest/gtest.h>

#include "stslab/tlsrpt/delivery_checks.hpp"
#include "stslab/tlsrpt/validate.hpp"
#include "test_support.hpp"

namespace stslab::tlsrpt {
namespace {

using testing::describe;
using testing::has_finding;

Report clean_model() {
  return validate_report(testing::clean_report()).report;
}

std::vector<Finding> https(const std::string& content_type, bool gzipped) {
  Decoded d{.container = gzipped ? Container::gzip : Container::json, .gzipped = gzipped};
  return check_delivery({.transport = Transport::https, .content_type = content_type}, d,
                        clean_model());
}

TEST(Https, GzipLabelledGzipIsClean) {
  EXPECT_TRUE(https("application/tlsrpt+gzip", true).empty());
  EXPECT_TRUE(https("Application/TLSRPT+GZIP ; x=y", true).empty());
}

TEST(Https, GzipLabelledJsonIsInvalid) {
  EXPECT_TRUE(has_finding(https("application/tlsrpt+json", true), "RPT-07", Severity::invalid,
                          "http:Content-Type"));
}

TEST(Https, JsonLabelledGzipIsInvalid) {
  EXPECT_TRUE(has_finding(https("application/tlsrpt+gzip", false), "RPT-07", Severity::invalid));
}

TEST(Https, OtherMediaTypeIsSloppy) {
  EXPECT_TRUE(has_finding(https("application/json", false), "RPT-07", Severity::sloppy));
}

TEST(Https, MissingContentTypeIsSloppy) {
  EXPECT_TRUE(has_finding(https("", true), "RPT-07", Severity::sloppy));
}

TEST(Https, PlainJsonIsSloppyForRpt19) {
  const auto f = https("application/tlsrpt+json", false);
  EXPECT_TRUE(has_finding(f, "RPT-19", Severity::sloppy, "http:body")) << describe(f);
}

TEST(File, NameAndContentDisagreeIsANote) {
  Decoded d{.container = Container::json};
  const auto f = check_delivery({.filename = "report.json.gz"}, d, clean_model());
  EXPECT_TRUE(has_finding(f, "RPT-18", Severity::note, "file:name")) << describe(f);
  EXPECT_TRUE(check_delivery({.filename = "report.json"}, d, clean_model()).empty());
}

// The clean report covers 2026-03-31 (1774915200 .. 1775001600) for example.net.
constexpr const char* kGoodName = "reporter.example!example.net!1774915200!1775001600!a1.json.gz";

std::vector<Finding> filename(const std::string& name, bool gzipped = true) {
  return check_filename(name, gzipped, clean_model(), "mail:filename");
}

TEST(Filename, GoodNameIsClean) {
  EXPECT_TRUE(filename(kGoodName).empty()) << describe(filename(kGoodName));
  EXPECT_TRUE(filename("reporter.example!example.net!1774915200!1775001600.json", false).empty());
}

TEST(Filename, JsonExtensionOnGzipIsInvalid) {
  EXPECT_TRUE(has_finding(filename("reporter.example!example.net!1774915200!1775001600.json"),
                          "RPT-18", Severity::invalid));
}

TEST(Filename, GzExtensionOnJsonIsInvalid) {
  EXPECT_TRUE(has_finding(filename(kGoodName, false), "RPT-18", Severity::invalid));
}

TEST(Filename, OtherExtensionIsInvalid) {
  EXPECT_TRUE(has_finding(filename("report.gz"), "RPT-18", Severity::invalid));
}

TEST(Filename, WrongShapeIsSloppy) {
  EXPECT_TRUE(has_finding(filename("report.json.gz"), "RPT-18", Severity::sloppy));
}

TEST(Filename, TimestampsNotTheDateRangeAreSloppy) {
  EXPECT_TRUE(has_finding(filename("reporter.example!example.net!1774915201!1775001600.json.gz"),
                          "RPT-18", Severity::sloppy));
  EXPECT_TRUE(has_finding(filename("reporter.example!example.net!2026-03-31!1775001600.json.gz"),
                          "RPT-18", Severity::sloppy));
}

TEST(Filename, UniqueIdNotAlphanumericIsSloppy) {
  EXPECT_TRUE(
      has_finding(filename("reporter.example!example.net!1774915200!1775001600!a-1.json.gz"),
                  "RPT-18", Severity::sloppy));
}

TEST(Filename, OtherPolicyDomainIsSloppy) {
  EXPECT_TRUE(has_finding(filename("reporter.example!example.org!1774915200!1775001600.json.gz"),
                          "RPT-18", Severity::sloppy));
}

TEST(Filename, ULabelDomainIsInvalid) {
  EXPECT_TRUE(has_finding(filename("reporter.example!b\xc3\xbc"
                                   "cher.example!1774915200!1775001600.json.gz"),
                          "RPT-27", Severity::invalid));
}

MailFacts clean_mail() {
  return MailFacts{
      .top_media_type = "multipart/report",
      .report_type = "tlsrpt",
      .first_part_media_type = "text/plain",
      .part_media_type = "application/tlsrpt+gzip",
      .part_encoding = "base64",
      .part_filename = kGoodName,
      .part_number = "2",
      .part_inside_tlsrpt_report = true,
      .report_parts = 1,
      .report_domain = "example.net",
      .report_submitter = "reporter.example",
      .subject =
          "Report Domain: example.net Submitter: reporter.example Report-ID: <a1@reporter.example>",
      .dkim = {
          DkimSignature{.domain = "reporter.example",
                        .signed_headers = {"from", "tls-report-domain", "tls-report-submitter"}}}};
}

std::vector<Finding> mail(const MailFacts& facts, bool gzipped = true) {
  return check_mail(facts, gzipped, clean_model());
}

TEST(Mail, CleanMailHasOnlyTheDkimNote) {
  const auto f = mail(clean_mail());
  ASSERT_EQ(f.size(), 1u) << describe(f);
  EXPECT_TRUE(has_finding(f, "RPT-12", Severity::note, "mail:DKIM-Signature"));
}

TEST(Mail, ReportDomainMissingIsInvalid) {
  auto m = clean_mail();
  m.report_domain.reset();
  EXPECT_TRUE(has_finding(mail(m), "RPT-14", Severity::invalid, "mail:TLS-Report-Domain"));
}

TEST(Mail, ReportDomainNotAPolicyDomainIsInvalid) {
  auto m = clean_mail();
  m.report_domain = "example.org";
  EXPECT_TRUE(has_finding(mail(m), "RPT-14", Severity::invalid, "mail:TLS-Report-Domain"));
}

TEST(Mail, ReportDomainULabelIsInvalid) {
  auto m = clean_mail();
  m.report_domain =
      "b\xc3\xbc"
      "cher.example";
  EXPECT_TRUE(has_finding(mail(m), "RPT-27", Severity::invalid, "mail:TLS-Report-Domain"));
}

TEST(Mail, SubmitterMissingIsInvalid) {
  auto m = clean_mail();
  m.report_submitter.reset();
  EXPECT_TRUE(has_finding(mail(m), "RPT-14", Severity::invalid, "mail:TLS-Report-Submitter"));
}

TEST(Mail, SubmitterNotContactInfoDomainIsInvalid) {
  auto m = clean_mail();
  m.report_submitter = "other.example";
  EXPECT_TRUE(has_finding(mail(m), "RPT-14", Severity::invalid, "mail:TLS-Report-Submitter"));
}

TEST(Mail, SubjectMissingIsSloppy) {
  auto m = clean_mail();
  m.subject.reset();
  EXPECT_TRUE(has_finding(mail(m), "RPT-16", Severity::sloppy, "mail:Subject"));
}

TEST(Mail, SubjectOffPatternIsSloppy) {
  auto m = clean_mail();
  m.subject = "TLS report for example.net";
  EXPECT_TRUE(has_finding(mail(m), "RPT-16", Severity::sloppy, "mail:Subject"));
}

TEST(Mail, SubjectFoldedIsFine) {
  auto m = clean_mail();
  m.subject =
      "Report Domain: example.net\r\n Submitter: reporter.example\r\n\tReport-ID: a1@r.example";
  EXPECT_EQ(mail(m).size(), 1u) << describe(mail(m));
}

TEST(Mail, SubjectDomainsDisagreeingWithHeadersAreSloppy) {
  auto m = clean_mail();
  m.subject = "Report Domain: example.org Submitter: reporter.example Report-ID: <a@b>";
  EXPECT_TRUE(has_finding(mail(m), "RPT-16", Severity::sloppy));
  m.subject = "Report Domain: example.net Submitter: other.example Report-ID: <a@b>";
  EXPECT_TRUE(has_finding(mail(m), "RPT-16", Severity::sloppy));
}

TEST(Mail, NoDkimSignatureIsInvalid) {
  auto m = clean_mail();
  m.dkim.clear();
  EXPECT_TRUE(has_finding(mail(m), "RPT-12", Severity::invalid));
}

TEST(Mail, DkimBodyLengthIsInvalid) {
  auto m = clean_mail();
  m.dkim[0].has_body_length = true;
  EXPECT_TRUE(has_finding(mail(m), "RPT-13", Severity::invalid));
}

TEST(Mail, DkimNotCoveringReportHeadersIsSloppy) {
  auto m = clean_mail();
  m.dkim[0].signed_headers = {"from", "tls-report-domain"};
  EXPECT_TRUE(has_finding(mail(m), "RPT-15", Severity::sloppy));
}

TEST(Mail, NotMultipartReportIsSloppy) {
  auto m = clean_mail();
  m.top_media_type = "multipart/mixed";
  m.report_type.clear();
  EXPECT_TRUE(has_finding(mail(m), "RPT-17", Severity::sloppy, "mail:Content-Type"));
}

TEST(Mail, FirstPartNotTextIsSloppy) {
  auto m = clean_mail();
  m.first_part_media_type = "application/tlsrpt+gzip";
  EXPECT_TRUE(has_finding(mail(m), "RPT-17", Severity::sloppy, "mail:part 1"));
}

TEST(Mail, PartLabelContradictingContentIsInvalid) {
  auto m = clean_mail();
  m.part_media_type = "application/tlsrpt+json";
  EXPECT_TRUE(has_finding(mail(m), "RPT-17", Severity::invalid));
}

TEST(Mail, SeveralReportPartsIsANote) {
  auto m = clean_mail();
  m.report_parts = 2;
  EXPECT_TRUE(has_finding(mail(m), "RPT-17", Severity::note));
}

TEST(Mail, PlainJsonIsSloppyForRpt19) {
  auto m = clean_mail();
  m.part_media_type = "application/tlsrpt+json";
  m.part_filename = "reporter.example!example.net!1774915200!1775001600.json";
  const auto f = mail(m, false);
  EXPECT_TRUE(has_finding(f, "RPT-19", Severity::sloppy)) << describe(f);
  EXPECT_FALSE(has_finding(f, "RPT-17", Severity::invalid)) << describe(f);
}

TEST(Mail, NoFilenameIsSloppy) {
  auto m = clean_mail();
  m.part_filename.clear();
  EXPECT_TRUE(has_finding(mail(m), "RPT-18", Severity::sloppy, "mail:filename"));
}

}  // namespace
}  // namespace stslab::tlsrpt
