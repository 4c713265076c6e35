// The mailed report (RFC 8460 §5.3): MIME structure, header fields, file name (RPT-14, -16,
// -17, -18), and its DKIM signature (RPT-12, -13, -15) verified here with OpenSSL against the
// public key the sender publishes in dkim/selector.txt, and (with the tlsrpt part) by OpenDKIM,
// the verifier the lab uses. `dkim-record` prints the record a lab publishes.
#include "stslab/sender/report_mail.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <map>
#include <sstream>

#include "stslab/sender/cli.hpp"
#include "stslab/sender/dkim.hpp"
#include "stslab/sender/encoding.hpp"
#include "stslab/sender/send.hpp"
#ifdef STSLAB_HAVE_TLSRPT
#include "stslab/tlsrpt/analyze.hpp"
#include "stslab/tlsrpt/dkim_verify.hpp"
#endif

namespace stslab::sender {
namespace {

const std::string kReport = R"({"organization-name":"lab.test","date-range":{"start-datetime":)"
                            R"("2026-11-23T00:00:00Z","end-datetime":"2026-11-23T23:59:59Z"},)"
                            R"("contact-info":"tlsrpt-noreply@lab.test","report-id":)"
                            R"("20261123.abc.a.test@lab.test","policies":[{"policy":{)"
                            R"("policy-type":"no-policy-found","policy-string":[],)"
                            R"("policy-domain":"a.test","mx-host":[]},"summary":{)"
                            R"("total-successful-session-count":1,)"
                            R"("total-failure-session-count":0},"failure-details":[]}]})";

ReportMail sample_mail() {
  ReportMail m;
  m.from = "tlsrpt-noreply@lab.test";
  m.to = "tlsrpt@rpt.test";
  m.submitter = "lab.test";
  m.policy_domain = "a.test";
  m.report_id = "20261123.abc.a.test@lab.test";
  m.filename = "lab.test!a.test!1795392000!1795478399!abc.json.gz";
  m.gzip = gzip_compress(kReport);
  m.summary = "A report  with   blanks \t\r\nand lines.\r\n";
  m.date = 1795478410;
  return m;
}

class StateDir : public ::testing::Test {
 protected:
  StateDir() {
    dir = std::filesystem::temp_directory_path() /
          ("stslab-report-mail-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
  }
  ~StateDir() override { std::filesystem::remove_all(dir); }
  std::filesystem::path dir;
};

std::string header(const std::string& message, const std::string& name) {
  std::string body;
  for (const auto& f : split_message(message, body)) {
    if (f.name == name) return f.value.substr(f.value.find_first_not_of(' '));
  }
  return "(absent)";
}

TEST(ReportMail, HeadersStructureAndFileName) {
  const auto mail = build_report_mail(sample_mail(), {});
  EXPECT_EQ(header(mail, "TLS-Report-Domain"), "a.test");
  EXPECT_EQ(header(mail, "TLS-Report-Submitter"), "lab.test");
  EXPECT_EQ(header(mail, "Subject"),
            "Report Domain: a.test Submitter: lab.test Report-ID: <20261123.abc.a.test@lab.test>");
  EXPECT_EQ(header(mail, "Date"), "Tue, 24 Nov 2026 00:00:10 +0000");
  EXPECT_EQ(header(mail, "Message-ID"), "<20261123.abc.a.test@lab.test>");
  EXPECT_NE(header(mail, "Content-Type").find("multipart/report; report-type=\"tlsrpt\""),
            std::string::npos);
  EXPECT_NE(mail.find("Content-Type: text/plain"), std::string::npos);
  EXPECT_LT(mail.find("Content-Type: text/plain"), mail.find("application/tlsrpt+gzip"));
  EXPECT_NE(mail.find("Content-Disposition: attachment; "
                      "filename=\"lab.test!a.test!1795392000!1795478399!abc.json.gz\""),
            std::string::npos);
  // The attachment decodes back to the report.
  const auto start = mail.find("\r\n\r\n", mail.find("Content-Disposition")) + 4;
  const auto end = mail.find("\r\n--", start);
  EXPECT_EQ(gzip_decompress(base64_decode(mail.substr(start, end - start))), kReport);
  for (std::size_t i = 0; i < mail.size(); ++i) {
    if (mail[i] == '\n') {
      ASSERT_TRUE(i > 0 && mail[i - 1] == '\r') << "bare LF at " << i;
    }
  }
}

TEST(ReportMail, HeaderDefects) {
  const auto bare = build_report_mail(sample_mail(), {Defect::missing_report_headers});
  EXPECT_EQ(header(bare, "TLS-Report-Domain"), "(absent)");
  EXPECT_EQ(header(bare, "TLS-Report-Submitter"), "(absent)");
  const auto json = build_report_mail(sample_mail(), {Defect::gzip_labelled_json});
  EXPECT_EQ(json.find("application/tlsrpt+gzip"), std::string::npos);
  EXPECT_NE(json.find("application/tlsrpt+json"), std::string::npos);
}

TEST(Dkim, RelaxedCanonicalization) {  // RFC 6376 §3.4.2, §3.4.4 and its §3.4.6 example
  EXPECT_EQ(relaxed_header("SubJect", " AbC\r\n\t de  "), "subject:AbC de\r\n");
  EXPECT_EQ(relaxed_header("A ", "X"), "a:X\r\n");
  EXPECT_EQ(relaxed_body(" C \r\nD \t E\r\n\r\n\r\n"), " C\r\nD E\r\n");
  EXPECT_EQ(relaxed_body(""), "");
  EXPECT_EQ(relaxed_body("\r\n\r\n"), "");
  EXPECT_EQ(relaxed_body("no end"), "no end\r\n");
}

// Verifies the first DKIM-Signature of `message` with the key published in `selector_txt`.
// Returns "" if it verifies, else what failed.
std::string verify(const std::string& message, const std::string& selector_txt) {
  std::string body;
  const auto fields = split_message(message, body);
  if (fields.empty() || fields[0].name != "DKIM-Signature") return "no DKIM-Signature first";
  std::map<std::string, std::string> tags;
  std::string value;
  for (char c : fields[0].value) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') value += c;
  }
  for (std::size_t pos = 0; pos < value.size();) {
    auto semi = value.find(';', pos);
    if (semi == std::string::npos) semi = value.size();
    const auto tag = value.substr(pos, semi - pos);
    if (auto eq = tag.find('='); eq != std::string::npos)
      tags[tag.substr(0, eq)] = tag.substr(eq + 1);
    pos = semi + 1;
  }
  if (tags["a"] != "rsa-sha256" || tags["c"] != "relaxed/relaxed") return "algorithm";
  if (tags.count("l")) return "l= present";
  // The body hash over the relaxed body of what follows the signature.
  if (base64_encode(sha256(relaxed_body(body))) != tags["bh"]) return "body hash";
  std::vector<std::string> h;
  for (std::size_t pos = 0; pos <= tags["h"].size();) {
    auto colon = tags["h"].find(':', pos);
    if (colon == std::string::npos) colon = tags["h"].size();
    h.push_back(tags["h"].substr(pos, colon - pos));
    pos = colon + 1;
  }
  const auto field_end = message.find("\r\n", message.find("b=", message.find("bh=") + 3));
  const auto data =
      dkim_signed_data(message.substr(field_end + 2), message.substr(0, field_end), h);
  const auto p = selector_txt.substr(selector_txt.find("p=") + 2);
  const auto der = base64_decode(p.substr(0, p.find_first_of(";\r\n")));
  const auto* der_bytes = reinterpret_cast<const unsigned char*>(der.data());
  EVP_PKEY* key = d2i_PUBKEY(nullptr, &der_bytes, static_cast<long>(der.size()));
  if (!key) return "no public key in selector.txt";
  const auto sig = base64_decode(tags["b"]);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const int ok =
      EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok ? "" : "signature";
}

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST_F(StateDir, KeyIsMadeOnceAndPublished) {
  const auto a = load_or_create_dkim_key(dir);
  const auto txt = read(dir / "dkim" / "selector.txt");
  EXPECT_TRUE(txt.starts_with("v=DKIM1; k=rsa; s=tlsrpt; p=")) << txt;
  const auto b = load_or_create_dkim_key(dir);
  EXPECT_EQ(a.private_pem(), b.private_pem());
  EXPECT_EQ(read(dir / "dkim" / "selector.txt"), txt);
  const auto perms = std::filesystem::status(dir / "dkim" / "private.pem").permissions();
  EXPECT_EQ(perms & std::filesystem::perms::group_read, std::filesystem::perms::none);
}

TEST_F(StateDir, SignatureVerifiesAndCoversTheReportHeaders) {  // RPT-12, RPT-13, RPT-15
  const auto key = load_or_create_dkim_key(dir);
  const auto txt = read(dir / "dkim" / "selector.txt");
  const auto mail = signed_report_mail(sample_mail(), key, {});
  ASSERT_TRUE(
      mail.starts_with("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; "
                       "d=lab.test; s=stslab;"));
  EXPECT_EQ(verify(mail, txt), "");
  const auto sig = header(mail, "DKIM-Signature");
  EXPECT_NE(sig.find("tls-report-domain"), std::string::npos);
  EXPECT_NE(sig.find("tls-report-submitter"), std::string::npos);
  EXPECT_EQ(sig.find("l="), std::string::npos);

  // Relaxed canonicalization survives refolding, but a changed field or body does not.
  auto refolded = mail;
  refolded.replace(refolded.find("Subject: "), 9, "Subject:   ");
  EXPECT_EQ(verify(refolded, txt), "");
  auto forged = mail;
  forged.replace(forged.find("TLS-Report-Domain: a.test"), 25, "TLS-Report-Domain: b.test");
  EXPECT_EQ(verify(forged, txt), "signature");
  auto body = mail;
  body.replace(body.find("and lines."), 10, "and LINES.");
  EXPECT_EQ(verify(body, txt), "body hash");
  // A different key does not verify it.
  const auto other = DkimKey::generate();
  EXPECT_EQ(verify(mail, other.dns_txt()), "signature");
}

TEST(Encoding, GzipAndBase64RoundTrip) {
  const std::string data = "{\"a\":1}\n" + std::string(1000, 'x');
  const auto gz = gzip_compress(data);
  ASSERT_GE(gz.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);  // RPT-19: the gzip magic
  EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
  EXPECT_EQ(gzip_decompress(gz), data);
  for (std::string s : {"", "a", "ab", "abc", "abcd"})
    EXPECT_EQ(base64_decode(base64_encode(s)), s);
  EXPECT_EQ(base64_encode("abcd"), "YWJjZA==");
  EXPECT_THROW(base64_decode("a*b="), std::invalid_argument);
}

TEST_F(StateDir, ZoneRecordPublishesTheKeyInStringsOf255OctetsAtMost) {
  const auto key = load_or_create_dkim_key(dir);
  const auto line = dkim_zone_record(key, "lab.test");
  ASSERT_TRUE(line.starts_with("stslab._domainkey.lab.test. TXT \"")) << line;
  std::vector<std::string> strings;
  for (std::size_t open = line.find('"'); open != std::string::npos;) {
    const auto close = line.find('"', open + 1);
    ASSERT_NE(close, std::string::npos) << line;
    strings.push_back(line.substr(open + 1, close - open - 1));
    open = line.find('"', close + 1);
  }
  ASSERT_GE(strings.size(), 2u) << line;  // a 2048-bit key does not fit one
  std::string joined;
  for (const auto& part : strings) {
    EXPECT_LE(part.size(), 255u);
    joined += part;
  }
  EXPECT_EQ(joined, key.dns_txt());
  EXPECT_EQ(dkim_zone_record(key, "lab.test.", "s2").substr(0, 28), "s2._domainkey.lab.test. TXT ");
}

TEST_F(StateDir, DkimRecordCommandMakesTheKeyAndPrintsItsRecord) {
  const std::string state = dir.string();
  std::ostringstream out, err;
  const char* argv[] = {"stslab-sender", "dkim-record", "--state-dir",
                        state.c_str(),   "--domain",    "Lab.Test"};
  ASSERT_EQ(run_cli(6, argv, out, err), 0) << err.str();
  const auto key = DkimKey::load(dir / "dkim" / "private.pem");
  EXPECT_EQ(out.str(), dkim_zone_record(key, "Lab.Test") + "\n");
  // Run again: the same key, the same record.
  std::ostringstream again;
  ASSERT_EQ(run_cli(6, argv, again, err), 0);
  EXPECT_EQ(again.str(), out.str());
  // The default domain is the submitter's last default.
  std::ostringstream dflt;
  const char* no_domain[] = {"stslab-sender", "dkim-record", "--state-dir", state.c_str()};
  ASSERT_EQ(run_cli(4, no_domain, dflt, err), 0);
  EXPECT_TRUE(dflt.str().starts_with("stslab._domainkey.sender.test. TXT ")) << dflt.str();
  // Not a host name: a usage error, nothing printed.
  std::ostringstream bad_out, bad_err;
  const char* bad[] = {"stslab-sender", "dkim-record", "--state-dir",
                       state.c_str(),   "--domain",    "a b\" IN A 1.2.3.4"};
  EXPECT_EQ(run_cli(6, bad, bad_out, bad_err), kExitUsage);
  EXPECT_EQ(bad_out.str(), "");
  EXPECT_NE(bad_err.str().find("is not a host name"), std::string::npos) << bad_err.str();
}

#ifdef STSLAB_HAVE_TLSRPT
// The verifier the lab uses (OpenDKIM, through tlsrpt::verify_dkim) against the hand-written
// signer (dkim.cpp): an independent cross-check of relaxed/relaxed rsa-sha256.
class OpenDkimCrossCheck : public StateDir {
 protected:
  tlsrpt::DkimVerifyOptions options() const {
    return {.lookup = [this](const std::string& name) -> std::optional<std::string> {
              if (name != "stslab._domainkey.lab.test") return std::nullopt;
              auto txt = read(dir / "dkim" / "selector.txt");
              while (!txt.empty() && txt.back() == '\n')
                txt.pop_back();
              return txt;
            },
            // The sample mail is dated 2026-11-24 00:00:10: never "in the future" here.
            .signer_clock_ahead = std::chrono::seconds(std::max<std::int64_t>(
                0, sample_mail().date - static_cast<std::int64_t>(std::time(nullptr))))};
  }
  tlsrpt::DkimStatus status(const std::string& mail) const {
    const auto results = tlsrpt::verify_dkim(mail, options());
    return results.size() == 1 ? results[0].status : tlsrpt::DkimStatus::malformed;
  }
};

TEST_F(OpenDkimCrossCheck, OpenDkimVerifiesTheSendersSignature) {  // RPT-12
  const auto key = load_or_create_dkim_key(dir);
  const auto mail = signed_report_mail(sample_mail(), key, {});
  const auto results = tlsrpt::verify_dkim(mail, options());
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, tlsrpt::DkimStatus::verified) << results[0].detail;
  EXPECT_EQ(results[0].domain, "lab.test");
  EXPECT_EQ(results[0].selector, "stslab");
  EXPECT_TRUE(results[0].key_for_tlsrpt);

  auto refolded = mail;
  refolded.replace(refolded.find("Subject: "), 9, "Subject:   ");
  EXPECT_EQ(status(refolded), tlsrpt::DkimStatus::verified);
  auto forged = mail;
  forged.replace(forged.find("TLS-Report-Domain: a.test"), 25, "TLS-Report-Domain: b.test");
  EXPECT_EQ(status(forged), tlsrpt::DkimStatus::signature_mismatch);
  auto body = mail;
  body.replace(body.find("and lines."), 10, "and LINES.");
  EXPECT_EQ(status(body), tlsrpt::DkimStatus::body_hash_mismatch);
  // Signed with another key than the published one.
  EXPECT_EQ(status(signed_report_mail(sample_mail(), DkimKey::generate(), {})),
            tlsrpt::DkimStatus::signature_mismatch);
}

TEST_F(OpenDkimCrossCheck, TheDkimSignatureInvalidDefectIsCaught) {
  const auto key = load_or_create_dkim_key(dir);
  const auto clean = signed_report_mail(sample_mail(), key, {});
  const auto broken = signed_report_mail(sample_mail(), key, {Defect::dkim_signature_invalid});
  EXPECT_EQ(status(broken), tlsrpt::DkimStatus::body_hash_mismatch);
  const auto o = options();
  const auto analysis = tlsrpt::analyze(broken, {.transport = tlsrpt::Transport::mail,
                                                 .dkim_key_lookup = o.lookup,
                                                 .signer_clock_ahead = o.signer_clock_ahead});
  ASSERT_FALSE(analysis.error) << analysis.error->what();
  bool rpt12 = false;
  for (const auto& f : analysis.findings)
    rpt12 = rpt12 || (f.id == "RPT-12" && f.severity == tlsrpt::Severity::invalid);
  EXPECT_TRUE(rpt12);
  // The report itself still reads: only the signature is broken.
  EXPECT_EQ(analysis.report.report_id, sample_mail().report_id);
  const auto fine = tlsrpt::analyze(clean, {.transport = tlsrpt::Transport::mail,
                                            .dkim_key_lookup = o.lookup,
                                            .signer_clock_ahead = o.signer_clock_ahead});
  EXPECT_FALSE(tlsrpt::has_invalid(fine.findings));
}

TEST_F(StateDir, TheTlsrptLibraryAcceptsTheMailAndSpotsHeaderDefects) {
  const auto key = load_or_create_dkim_key(dir);
  auto clean = tlsrpt::analyze(signed_report_mail(sample_mail(), key, {}),
                               {.transport = tlsrpt::Transport::mail});
  ASSERT_FALSE(clean.error) << clean.error->what();
  std::string all;
  for (const auto& f : clean.findings) {
    all += tlsrpt::to_json(f).dump() + "\n";
    EXPECT_EQ(f.severity, tlsrpt::Severity::note) << tlsrpt::to_json(f).dump();
  }
  ASSERT_TRUE(clean.decoded.mail);
  EXPECT_EQ(clean.decoded.mail->part_filename, sample_mail().filename);
  EXPECT_TRUE(clean.decoded.gzipped);

  auto bare =
      tlsrpt::analyze(signed_report_mail(sample_mail(), key, {Defect::missing_report_headers}),
                      {.transport = tlsrpt::Transport::mail});
  ASSERT_FALSE(bare.error);
  bool rpt14 = false;
  for (const auto& f : bare.findings)
    rpt14 = rpt14 || (f.id == "RPT-14" && f.severity == tlsrpt::Severity::invalid);
  EXPECT_TRUE(rpt14);

  auto labelled =
      tlsrpt::analyze(signed_report_mail(sample_mail(), key, {Defect::gzip_labelled_json}),
                      {.transport = tlsrpt::Transport::mail});
  ASSERT_FALSE(labelled.error);
  bool rpt17 = false;
  for (const auto& f : labelled.findings)
    rpt17 = rpt17 || (f.id == "RPT-17" && f.severity != tlsrpt::Severity::note);
  EXPECT_TRUE(rpt17);
}
#endif

}  // namespace
}  // namespace stslab::sender
