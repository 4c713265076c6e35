#include "sender_lab.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace stslab::sender::testing {

using boost::asio::ip::make_address;
using boost::asio::ip::tcp;

std::string policy_text(const std::string& mode, const std::vector<std::string>& mx, int max_age) {
  std::string text = "version: STSv1\r\nmode: " + mode + "\r\n";
  for (const auto& m : mx)
    text += "mx: " + m + "\r\n";
  return text + "max_age: " + std::to_string(max_age) + "\r\n";
}

SenderLab::SenderLab() {
  dir = std::filesystem::temp_directory_path() /
        ("stslab-sender-" + std::to_string(::getpid()) + "-" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "state");
  pki.write_ca_bundle((dir / "ca.pem").string());
  std::ofstream(dir / "message.eml") << "Subject: stslab test\r\n\r\nhello from the sender\r\n";

  dns_server = std::make_unique<dns::DnsServer>(
      io.io(), journal, zone, dns::ServerOptions{.endpoints = {{make_address("127.0.0.1"), 0}}});
  dns_port = dns_server->start().front().port;

  https_server = std::make_unique<https::HttpsServer>(
      io.io(), journal, pki,
      https::Options{.endpoints = {tcp::endpoint(make_address("127.0.0.1"), 0)}});
  https_port = https_server->start().front().port();
  // No local addresses: the policy certificate is chosen by SNI only (STS-FETCH-11).
  https_server->set_vhost({.name = "mta-sts.a.test"});

  smtp::SmtpServer::Options options;
  smtp::Vhost mx1;
  mx1.name = "mx1.a.test";
  mx1.listen = {tcp::endpoint(make_address("127.0.0.1"), 0)};
  options.vhosts.push_back(mx1);
  smtp_server = std::make_unique<smtp::SmtpServer>(io.io(), journal, pki, options);
  smtp_port = smtp_server->start().front().port();

  zone.add_domain("a.test");
  zone.add({"a.test. MX 10 mx1.a.test.", "mx1.a.test. A 127.0.0.1", "mta-sts.a.test. A 127.0.0.1"});
}

SenderLab::~SenderLab() {
  smtp_server->stop();
  https_server->stop();
  dns_server->stop();
  io.stop();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

void SenderLab::publish(const std::string& policy, const std::string& id) {
  zone.replace("_mta-sts.a.test", "TXT", {"_mta-sts.a.test. TXT \"v=STSv1; id=" + id + "\""});
  set_policy_response(https::Response::text(policy));
}

void SenderLab::set_policy_response(https::Response response, const std::string& path) {
  https_server->set_route("mta-sts.a.test", path, std::move(response));
}

void SenderLab::remove_txt() {
  zone.remove("_mta-sts.a.test", "TXT");
}

void SenderLab::add_mx(const std::string& name, const std::string& address) {
  smtp::Vhost v;
  v.name = name;
  v.listen = {tcp::endpoint(make_address(address), smtp_port)};
  smtp_server->add_vhost(v);
  zone.add(name + ". A " + address);
}

void SenderLab::set_starttls(const std::string& mx, bool offered) {
  smtp_server->update_vhost(mx, [offered](smtp::Vhost& v) { v.caps.starttls = offered; });
}

void SenderLab::set_mx_cert(const std::string& mx, core::CertProfile profile) {
  smtp_server->set_cert(mx, smtp::CertSpec{.profile = profile});
}

SendResult SenderLab::send(DefectSet defects) {
  SendOptions o;
  o.from = "sender@lab.test";
  o.to = "user@a.test";
  o.message_file = (dir / "message.eml").string();
  o.state_dir = (dir / "state").string();
  o.defects = defects;
  o.dns = "127.0.0.1:" + std::to_string(dns_port);
  o.smtp_port = smtp_port;
  o.https_port = https_port;
  o.ca_file = (dir / "ca.pem").string();
  o.helo = "sender.lab.test";
  o.timeout = timeout;
  std::ostringstream err;
  auto result = send_message(o, err);
  diag = err.str();
  return result;
}

std::vector<std::string> SenderLab::send_argv(const std::string& binary) const {
  return {binary,         "send",
          "--from",       "sender@lab.test",
          "--to",         "user@a.test",
          "--message",    (dir / "message.eml").string(),
          "--state-dir",  (dir / "state").string(),
          "--message-id", "binary-test",
          "--dns",        "127.0.0.1:" + std::to_string(dns_port),
          "--smtp-port",  std::to_string(smtp_port),
          "--https-port", std::to_string(https_port),
          "--ca-file",    (dir / "ca.pem").string(),
          "--timeout-ms", "5000"};
}

void SenderLab::publish_tlsrpt(const std::string& record) {
  if (!https_server->find_vhost("rpt.test")) {
    zone.add_domain("rpt.test");
    zone.add({"rpt.test. A 127.0.0.1", "rpt.test. MX 10 mx.rpt.test."});
    https_server->set_vhost({.name = "rpt.test"});
    https_server->set_post_sink("rpt.test", "/tlsrpt", https::PostSink{});
    add_mx("mx.rpt.test", "127.0.0.2");
  }
  zone.replace("_smtp._tls.a.test", "TXT", {"_smtp._tls.a.test. TXT " + record});
}

ReportRun SenderLab::report(DefectSet defects, bool flush) {
  ReportOptions o;
  o.state_dir = (dir / "state").string();
  o.flush = flush;
  o.defects = defects;
  o.dns = "127.0.0.1:" + std::to_string(dns_port);
  o.smtp_port = smtp_port;
  o.https_port = https_port;
  o.ca_file = (dir / "ca.pem").string();
  o.helo = "sender.lab.test";
  o.timeout = timeout;
  std::ostringstream err;
  auto run = run_reports(o, err);
  diag = err.str();
  return run;
}

std::vector<nlohmann::json> SenderLab::session_lines() const {
  std::vector<nlohmann::json> out;
  std::ifstream in(dir / "state" / "sessions.jsonl");
  for (std::string line; std::getline(in, line);)
    out.push_back(nlohmann::json::parse(line));
  return out;
}

std::size_t SenderLab::policy_requests() const {
  return journal.query({.kind = "https.request"}).size();
}

}  // namespace stslab::sender::testing
