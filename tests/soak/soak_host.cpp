// stslab-soak-host: runs one fake (or the MITM proxy) alone in this process, so that the soak
// driver (tests/soak/soak.py) can attack it and read this process's memory from /proc.
//
//   stslab-soak-host dns|https|smtp
//   stslab-soak-host mitm UPSTREAM_ADDRESS:PORT
//
// Starts the part the way harness/engine/lab_services.cpp does (one io_context, two threads, a
// journal in memory), prints one JSON line {"ready": true, "endpoint": "127.0.0.x:port"} and then
// reads commands from stdin:
//   sessions -> the number of open sessions, one line
//   size   -> the number of journal events, one line
//   trim   -> hands freed heap memory back to the system (glibc malloc_trim), so the driver can
//             tell memory still in use (the journal, live sessions) from memory merely kept
//   stats  -> one JSON line: journal size (events and their JSON bytes), events counted by kind
//             and by how sessions ended, and open sessions
//   EOF    -> stops the part and exits 0
// Any failure to start prints the reason on stderr and exits 1.
#include <malloc.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <exception>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "stslab/core/clock.hpp"
#include "stslab/core/journal.hpp"
#include "stslab/core/pki.hpp"
#include "stslab/dns/server.hpp"
#include "stslab/https/server.hpp"
#include "stslab/mitm/proxy.hpp"
#include "stslab/smtp/server.hpp"

namespace {

namespace asio = boost::asio;
using asio::ip::make_address;
using asio::ip::tcp;

// Names the driver's good client asks for; the addresses are fixed so that the soak's own
// network namespace (or the host's loopback) needs nothing set up.
constexpr const char* kDnsAddress = "127.0.0.53";
constexpr const char* kHttpsAddress = "127.0.0.5";
constexpr const char* kSmtpAddress = "127.0.0.25";
constexpr const char* kMitmAddress = "127.0.0.26";
constexpr const char* kPolicy = "version: STSv1\nmode: enforce\nmx: mx.soak.test\nmax_age: 86400\n";

std::string text(const tcp::endpoint& ep) {
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

tcp::endpoint parse_endpoint(const std::string& s) {
  const auto colon = s.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("expected ADDRESS:PORT, got " + s);
  return {make_address(s.substr(0, colon)),
          static_cast<unsigned short>(std::stoul(s.substr(colon + 1)))};
}

// The one part under test, started; `stop` ends it and `sessions` counts its open sessions.
struct Part {
  std::string endpoint;
  std::function<void()> stop;
  std::function<std::size_t()> sessions;
  std::shared_ptr<void> keep;  // the server object and what it needs
};

struct Lab {
  stslab::core::LabClock clock;
  stslab::core::Journal journal{clock};
  stslab::core::LabPki pki{clock};
  asio::io_context io;
};

Part start_dns(Lab& lab) {
  struct Owned {
    stslab::dns::Zone zone;
    std::unique_ptr<stslab::dns::DnsServer> server;
  };
  auto owned = std::make_shared<Owned>();
  owned->zone.add({"good.soak.test. A 127.0.0.25", "soak.test. MX 10 mx.soak.test.",
                   "_mta-sts.soak.test. TXT \"v=STSv1; id=1\""});
  // A 3 KB answer, so that a client that never reads fills its window quickly.
  std::string big = "big.soak.test. TXT";
  for (int i = 0; i < 12; ++i)
    big += " \"" + std::string(250, 'x') + "\"";
  owned->zone.add(big);
  owned->server = std::make_unique<stslab::dns::DnsServer>(
      lab.io, lab.journal, owned->zone,
      stslab::dns::ServerOptions{.endpoints = {{make_address(kDnsAddress), 0}}});
  const auto bound = owned->server->start();
  auto* server = owned->server.get();
  return {bound.at(0).to_string(), [server] { server->stop(); },
          [server] { return server->open_tcp_sessions(); }, owned};
}

Part start_https(Lab& lab) {
  auto server = std::make_shared<stslab::https::HttpsServer>(
      lab.io, lab.journal, lab.pki,
      stslab::https::Options{.endpoints = {{make_address(kHttpsAddress), 0}}});
  stslab::https::VirtualHost vhost;
  vhost.name = "mta-sts.soak.test";
  vhost.addresses = {make_address(kHttpsAddress)};
  vhost.routes["/.well-known/mta-sts.txt"] = stslab::https::Response::text(kPolicy);
  server->set_vhost(std::move(vhost));
  const auto bound = server->start();
  auto* s = server.get();
  return {text(bound.at(0)), [s] { s->stop(); }, [s] { return s->live_sessions(); }, server};
}

Part start_smtp(Lab& lab) {
  stslab::smtp::SmtpServer::Options options;
  options.clock = &lab.clock;
  stslab::smtp::Vhost vhost;
  vhost.name = "mx.soak.test";
  vhost.listen = {tcp::endpoint(make_address(kSmtpAddress), 0)};
  options.vhosts.push_back(std::move(vhost));
  auto server =
      std::make_shared<stslab::smtp::SmtpServer>(lab.io, lab.journal, lab.pki, std::move(options));
  const auto bound = server->start();
  auto* s = server.get();
  return {text(bound.at(0)), [s] { s->stop(); }, [s] { return s->active_sessions(); }, server};
}

Part start_mitm(Lab& lab, const std::string& upstream) {
  auto proxy = std::make_shared<stslab::mitm::Proxy>(
      lab.io, lab.journal, lab.pki,
      stslab::mitm::Options{.name = "mx.soak.test",
                            .listen = {{make_address(kMitmAddress), 0}},
                            .upstream = parse_endpoint(upstream)});
  proxy->start();
  auto* p = proxy.get();
  return {text(p->endpoints().at(0)), [p] { p->stop(); }, [p] { return p->active_sessions(); },
          proxy};
}

// What the journal holds: the driver reports it next to the RSS, since the journal is kept in
// memory for the whole run and may be what the RSS is made of.
// Bytes malloc has handed out and not had back (no fragmentation, no retained free memory).
std::size_t heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

nlohmann::json stats(const Lab& lab, const Part& part) {
  std::map<std::string, std::size_t> by_kind;
  std::size_t bytes = 0;
  // The copy of the journal costs exactly what the journal itself holds: that tells the
  // journal's share of the heap from everything else's.
  const std::size_t in_use = heap_in_use();
  const auto events = lab.journal.all();
  const std::size_t journal_heap = heap_in_use() - in_use;
  for (const auto& e : events) {
    bytes += e.to_json().dump().size();
    std::string key = e.kind;
    if (e.data.contains("how") && e.data["how"].is_string()) {
      key += ":" + e.data["how"].get<std::string>();
    } else if (e.data.contains("reason") && e.data["reason"].is_string()) {
      key += ":" + e.data["reason"].get<std::string>();
    } else if (e.data.contains("ok") && e.data["ok"].is_boolean()) {
      key += e.data["ok"].get<bool>() ? ":ok" : ":failed";
    }
    ++by_kind[key];
  }
  return {{"heap_in_use_bytes", in_use},
          {"journal_heap_bytes", journal_heap},
          {"journal_events", events.size()},
          {"journal_json_bytes", bytes},
          {"by_kind", by_kind},
          {"open_sessions", part.sessions()}};
}

Part start(Lab& lab, const std::vector<std::string>& args) {
  const std::string& which = args.at(0);
  if (which == "dns") return start_dns(lab);
  if (which == "https") return start_https(lab);
  if (which == "smtp") return start_smtp(lab);
  if (which == "mitm" && args.size() == 2) return start_mitm(lab, args[1]);
  throw std::invalid_argument("usage: stslab-soak-host dns|https|smtp | mitm UPSTREAM:PORT");
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  Lab lab;
  auto work = asio::make_work_guard(lab.io);
  std::vector<std::thread> threads;
  Part part;
  try {
    if (args.empty()) throw std::invalid_argument("which part? dns, https, smtp or mitm");
    part = start(lab, args);
  } catch (const std::exception& e) {
    std::cerr << "stslab-soak-host: " << e.what() << "\n";
    return 1;
  }
  for (int i = 0; i < 2; ++i)
    threads.emplace_back([&lab] { lab.io.run(); });
  std::cout << nlohmann::json{{"ready", true}, {"endpoint", part.endpoint}}.dump() << std::endl;

  std::string line;
  while (std::getline(std::cin, line)) {
    if (line == "stats") std::cout << stats(lab, part).dump() << std::endl;
    if (line == "sessions") std::cout << part.sessions() << std::endl;
    if (line == "size") std::cout << lab.journal.size() << std::endl;
    if (line == "trim") std::cout << malloc_trim(0) << std::endl;
  }
  part.stop();
  work.reset();
  lab.io.stop();
  for (auto& t : threads)
    t.join();
  return 0;
}
