#include "https_lab.hpp"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>

namespace stslab::https::test {

boost::asio::ip::address addr(const char* text) {
  return boost::asio::ip::make_address(text);
}

HttpsLab::HttpsLab() {
  static std::atomic<int> counter{0};
  dir = std::filesystem::temp_directory_path() /
        ("stslab-https-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  std::filesystem::create_directories(dir);
  ca_file = (dir / "lab-root.pem").string();
  pki.write_ca_bundle(ca_file);
}

HttpsLab::~HttpsLab() {
  server.reset();  // stops and waits for sessions while the io thread still runs
  io.stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

std::vector<tcp::endpoint> HttpsLab::start(std::vector<const char*> addresses, Options options) {
  for (const char* a : addresses)
    options.endpoints.emplace_back(addr(a), 0);
  server = std::make_unique<HttpsServer>(io.io(), journal, pki, std::move(options));
  return server->start();
}

VirtualHost HttpsLab::policy_vhost(const std::string& name, std::vector<const char*> addresses,
                                   const std::string& policy) {
  VirtualHost v;
  v.name = name;
  for (const char* a : addresses)
    v.addresses.push_back(addr(a));
  v.routes["/.well-known/mta-sts.txt"] = Response::text(policy);
  return v;
}

CurlResult HttpsLab::curl(const std::string& host, const tcp::endpoint& at, const std::string& path,
                          std::vector<std::string> extra) {
  const std::string port = std::to_string(at.port());
  const std::string body_file = (dir / "curl-body").string();
  std::filesystem::remove(body_file);
  std::vector<std::string> argv = {
      "curl",      "-q",         "-sS",
      "--noproxy", "*",          "--cacert",
      ca_file,     "--resolve",  host + ":" + port + ":" + at.address().to_string(),
      "-o",        body_file,    "-w",
      "%{json}",   "--max-time", "20"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back("https://" + host + ":" + port + path);

  CurlResult r;
  const auto started = std::chrono::steady_clock::now();
  auto p = testing::run_process(argv, "", std::chrono::seconds(30));
  r.elapsed = std::chrono::steady_clock::now() - started;
  r.exit_code = p.exit_code;
  r.timed_out = p.timed_out;
  r.err = p.err;
  r.info = nlohmann::json::parse(p.out, nullptr, false);
  std::ifstream in(body_file, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  r.body = body.str();
  return r;
}

testing::ProcessResult HttpsLab::s_client(const tcp::endpoint& at, const std::string& sni,
                                          std::vector<std::string> extra) {
  std::vector<std::string> argv = {"openssl", "s_client", "-connect",
                                   at.address().to_string() + ":" + std::to_string(at.port()),
                                   "-showcerts"};
  if (sni.empty()) {
    argv.push_back("-noservername");
  } else {
    argv.insert(argv.end(), {"-servername", sni});
  }
  argv.insert(argv.end(), extra.begin(), extra.end());
  return testing::run_process(argv, "", std::chrono::seconds(20));
}

std::string HttpsLab::first_certificate_pem(const std::string& out) {
  const auto begin = out.find("-----BEGIN CERTIFICATE-----");
  const std::string end_marker = "-----END CERTIFICATE-----";
  const auto end = out.find(end_marker, begin);
  if (begin == std::string::npos || end == std::string::npos) return {};
  return out.substr(begin, end + end_marker.size() - begin) + "\n";
}

std::optional<core::Event> HttpsLab::wait_event(const std::string& kind,
                                                const std::function<bool(const core::Event&)>& pred,
                                                std::chrono::milliseconds timeout) {
  return journal.wait_for(
      [&](const core::Event& e) { return e.kind == kind && (!pred || pred(e)); },
      std::chrono::steady_clock::now() + timeout);
}

std::vector<core::Event> HttpsLab::events(const std::string& kind) const {
  core::EventFilter f;
  f.kind = kind;
  return journal.query(f);
}

ClientConfig HttpsLab::client_for(const std::string& host) const {
  ClientConfig c;
  c.sni = host;
  c.ca_pem = pki.root_ca_pem();
  c.verify_host = host;
  return c;
}

}  // namespace stslab::https::test
