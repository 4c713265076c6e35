#include "proxy_fixture.hpp"

#include <unistd.h>

#include <cstdio>

namespace stslab::mitm::testing {

using boost::asio::ip::make_address;

void ProxyTest::SetUp() {
  smtp::SmtpServer::Options options;
  smtp::Vhost mx;
  mx.name = kMx;
  mx.listen = {{make_address(kUpstreamAddress), 0}};
  options.vhosts.push_back(mx);
  mx_ = std::make_unique<smtp::SmtpServer>(io_.io(), journal_, pki_, options);
  mx_->start();
  mx_endpoint_ = mx_->endpoints(kMx).front();
}

void ProxyTest::TearDown() {
  if (proxy_) proxy_->stop();
  if (mx_) mx_->stop();
  io_.stop();  // sessions die with the io_context, before the journal they write to
  if (!ca_path_.empty()) std::remove(ca_path_.c_str());
}

Proxy& ProxyTest::start_proxy(const std::string& attack, std::function<void(Options&)> tweak) {
  Options options;
  options.name = kMx;
  options.listen = {{make_address(kProxyAddress), 0}};
  options.upstream = mx_endpoint_;
  options.attack = AttackSpec::parse(attack);
  if (tweak) tweak(options);
  proxy_ = std::make_unique<Proxy>(io_.io(), journal_, pki_, options);
  proxy_->start();
  return *proxy_;
}

std::optional<core::Event> ProxyTest::wait_mitm(const std::string& kind,
                                                std::function<bool(const core::Event&)> pred) {
  return journal_.wait_for(
      [&](const core::Event& e) {
        return e.source == core::Source::mitm && e.kind == kind && (!pred || pred(e));
      },
      std::chrono::steady_clock::now() + std::chrono::seconds(10));
}

std::vector<core::Event> ProxyTest::mitm_events(const std::string& kind) const {
  core::EventFilter filter;
  filter.kind = kind;
  filter.source = core::Source::mitm;
  return journal_.query(filter);
}

std::vector<std::string> ProxyTest::upstream_commands() const {
  core::EventFilter filter;
  filter.kind = "smtp.command";
  filter.source = core::Source::smtp;
  std::vector<std::string> lines;
  for (const auto& e : journal_.query(filter))
    lines.push_back(e.data.value("line", ""));
  return lines;
}

core::Event ProxyTest::wait_close() {
  auto e = wait_mitm("mitm.session.close");
  if (!e) throw std::runtime_error("no mitm.session.close within 10 s");
  return *e;
}

stslab::testing::ProcessResult ProxyTest::swaks(const std::vector<std::string>& extra) {
  const auto ep = proxy_endpoint();
  std::vector<std::string> argv = {"swaks",
                                   "--to",
                                   "u@a.test",
                                   "--from",
                                   "s@b.test",
                                   "--server",
                                   ep.address().to_string(),
                                   "--port",
                                   std::to_string(ep.port()),
                                   "--helo",
                                   "client.test",
                                   "--timeout",
                                   "10"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return stslab::testing::run_process(argv, "", std::chrono::seconds(30));
}

std::string ProxyTest::ca_file() {
  if (ca_path_.empty()) {
    ca_path_ = ::testing::TempDir() + "mitm-root-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".pem";
    pki_.write_ca_bundle(ca_path_);
  }
  return ca_path_;
}

std::shared_ptr<boost::asio::ssl::context> careless_client_context() {
  auto ctx = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client);
  ctx->set_verify_mode(boost::asio::ssl::verify_none);
  return ctx;
}

}  // namespace stslab::mitm::testing
