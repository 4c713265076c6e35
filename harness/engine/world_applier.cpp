#include "stslab/harness/world_applier.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>

#include "stslab/dns/record.hpp"
#include "stslab/harness/report_destinations.hpp"
#include "stslab/mitm/attack.hpp"

namespace stslab::harness {

namespace asio = boost::asio;

AddressPlan::AddressPlan(int slot) : a_(10 + slot / 250), b_(slot % 250) {
  if (slot < 0 || a_ > 254) throw std::out_of_range("lab address plan: too many scenarios");
}

asio::ip::address AddressPlan::mx_proxy(int index) const {
  check_mx(index);
  return host(1 + index);
}

asio::ip::address AddressPlan::mx_real(int index) const {
  check_mx(index);
  return host(101 + index);
}

void AddressPlan::check_mx(int index) {
  if (index < 0 || static_cast<std::size_t>(index) >= kMaxMxHosts) {
    throw std::out_of_range("lab address plan: MX host number " + std::to_string(index + 1) +
                            " of a scenario; there is room for " + std::to_string(kMaxMxHosts));
  }
}

asio::ip::address AddressPlan::host(int x) const {
  return asio::ip::make_address_v4(asio::ip::address_v4::bytes_type{
      127, static_cast<unsigned char>(a_), static_cast<unsigned char>(b_),
      static_cast<unsigned char>(x)});
}

namespace {

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size()) {
    text.replace(pos, from.size(), to);
  }
}

// The path a redirect points to when it stays on `host` ("https://host/path" -> "/path"), or
// nothing for other hosts, other schemes and the policy's own path.
std::optional<std::string> same_host_path(const https::Response& response,
                                          const std::string& host) {
  if (response.status < 300 || response.status > 399) return std::nullopt;
  const std::string prefix = "https://" + host + "/";
  if (response.location.rfind(prefix, 0) != 0) return std::nullopt;
  std::string path = response.location.substr(prefix.size() - 1);
  if (const auto query = path.find_first_of("?#"); query != std::string::npos) path.resize(query);
  if (path == "/.well-known/mta-sts.txt") return std::nullopt;
  return path;
}

// The policy host's vhost with the world's host settings and faults applied (key order).
https::VirtualHost with_settings(https::VirtualHost vhost, const WorldSpec& world) {
  for (const auto& [key, change] : world.policy_host.settings)
    change(vhost);
  return vhost;
}

// The rua destinations the lab serves itself: those under the scenario's domain.
std::vector<ReportDestination> lab_destinations(const WorldSpec& world, const std::string& domain) {
  std::vector<ReportDestination> out;
  if (!world.tlsrpt_record) return out;
  for (auto& d : report_destinations(expand(*world.tlsrpt_record, domain, world.policy_id))) {
    if (core::name_is_at_or_below(d.host, domain)) out.push_back(std::move(d));
  }
  return out;
}

std::vector<std::string> lab_report_https_hosts(const WorldSpec& world, const std::string& domain) {
  std::vector<std::string> hosts;
  for (const auto& d : lab_destinations(world, domain)) {
    if (d.kind == ReportDestination::Kind::https &&
        std::find(hosts.begin(), hosts.end(), d.host) == hosts.end()) {
      hosts.push_back(d.host);
    }
  }
  return hosts;
}

}  // namespace

std::string expand(std::string text, const std::string& domain, const std::string& policy_id) {
  replace_all(text, "{domain}", domain);
  replace_all(text, "{policy_id}", policy_id);
  return text;
}

std::string render_policy(const PolicySpec& policy, const std::string& domain) {
  if (policy.raw) return expand(*policy.raw, domain, "");
  const std::string& eol = policy.line_ending;
  std::string body = "version: " + policy.version + eol + "mode: " + policy.mode + eol;
  for (const auto& mx : policy.mx)
    body += "mx: " + expand(mx, domain, "") + eol;
  body += "max_age: " + policy.max_age + eol;
  for (const auto& line : policy.extra_lines)
    body += expand(line, domain, "") + eol;
  return body;
}

std::vector<std::string> zone_records(const WorldSpec& world, const std::string& domain,
                                      const AddressPlan& plan,
                                      const std::function<int(const std::string&)>& mx_slot) {
  std::vector<std::string> records;
  const std::string apex = domain + ".";
  for (const auto& mx : world.mx) {
    const std::string host = mx.label + "." + apex;
    if (mx.in_dns) records.push_back(apex + " MX " + std::to_string(mx.preference) + " " + host);
    records.push_back(host + " A " + plan.mx_proxy(mx_slot(mx.label)).to_string());
  }
  const auto policy_address = world.policy_host.up ? plan.policy_host() : plan.nobody();
  records.push_back("mta-sts." + apex + " A " + policy_address.to_string());
  if (world.sts_record) {
    records.push_back("_mta-sts." + apex + " TXT " +
                      dns::txt_rdata(expand(*world.sts_record, domain, world.policy_id)));
  }
  if (world.tlsrpt_record) {
    records.push_back("_smtp._tls." + apex + " TXT " +
                      dns::txt_rdata(expand(*world.tlsrpt_record, domain, world.policy_id)));
  }
  for (const auto& host : lab_report_https_hosts(world, domain)) {
    records.push_back(host + ". A " + plan.policy_host().to_string());
  }
  for (const auto& line : world.dns)
    records.push_back(expand(line, domain, world.policy_id));
  return records;
}

WorldApplier::WorldApplier(LabServices& lab, std::string domain, int slot)
    : lab_(lab), domain_(std::move(domain)), plan_(slot) {}

int WorldApplier::mx_slot(const std::string& label) {
  auto it = std::find(mx_labels_.begin(), mx_labels_.end(), label);
  if (it != mx_labels_.end()) return static_cast<int>(it - mx_labels_.begin());
  mx_labels_.push_back(label);
  return static_cast<int>(mx_labels_.size() - 1);
}

void WorldApplier::apply(const WorldSpec& world) {
  // Each fake switches in one step, in the order a sender meets them backwards: MX hosts
  // first, then the policy host with the report receivers, DNS last, so DNS never names a host
  // that is not there yet and no answer shows half a world.
  for (const auto& mx : world.mx)
    apply_mx(mx);
  apply_https(world);
  const auto records =
      zone_records(world, domain_, plan_, [this](const std::string& l) { return mx_slot(l); });
  std::vector<dns::ScriptedFault> faults;
  for (const auto& f : world.dns_faults)
    faults.push_back({expand(f.name, domain_, world.policy_id), f.fault, f.type});
  // One step (replace_below): a query between clearing and adding would see NXDOMAIN, and the
  // faults belong to the same world.
  lab_.zone().replace_below(domain_, records, faults);
}

void WorldApplier::apply_mx(const MxSpec& mx) {
  const int slot = mx_slot(mx.label);
  // The whole vhost from the spec, defaults first, so that a setting a change drops is gone.
  smtp::Vhost vhost;
  vhost.name = mx_host(mx);
  vhost.listen = {{plan_.mx_real(slot), lab_.ports().smtp}};
  vhost.caps.starttls = mx.starttls;
  vhost.cert = smtp::CertSpec{.profile = mx.cert};
  for (const auto& [key, change] : mx.settings)
    change(vhost);
  const auto existing = lab_.smtp().vhost_names();
  if (std::find(existing.begin(), existing.end(), vhost.name) == existing.end()) {
    lab_.smtp().add_vhost(vhost);
  } else {
    lab_.smtp().update_vhost(vhost.name, [&](smtp::Vhost& v) { v = vhost; });
  }
  lab_.proxy(vhost.name, plan_.mx_proxy(slot), plan_.mx_real(slot))
      .set_attack(mitm::AttackSpec{mx.attack, mx.attack_params});
}

https::VirtualHost WorldApplier::policy_vhost(const WorldSpec& world) const {
  const std::string ph = policy_host();
  https::VirtualHost vhost;
  vhost.name = ph;
  // A vhost that owns its address shows its certificate to clients sending no SNI too.
  if (!world.policy_host.sni_required) vhost.addresses = {plan_.policy_host()};
  vhost.certificate.profile = world.policy_host.cert;
  if (!world.policy) return with_settings(std::move(vhost), world);
  https::Response response;
  response.status = world.policy_host.status;
  response.body = render_policy(*world.policy, domain_);
  if (!world.policy_host.content_type.empty()) {
    response.headers.emplace_back("Content-Type", world.policy_host.content_type);
  }
  if (world.policy_host.location) {
    response.location = expand(*world.policy_host.location, domain_, world.policy_id);
  }
  // A redirect to another path of the policy host finds the policy there (200, text/plain), so
  // a sender that follows redirects (STS-FETCH-04 forbids it) visibly gets a policy.
  if (const auto path = same_host_path(response, ph)) {
    https::Response target;
    target.body = response.body;
    target.headers.emplace_back("Content-Type", "text/plain");
    vhost.routes[*path] = std::move(target);
  }
  vhost.routes["/.well-known/mta-sts.txt"] = std::move(response);
  return with_settings(std::move(vhost), world);
}

void WorldApplier::apply_https(const WorldSpec& world) {
  std::vector<https::VirtualHost> put;
  std::vector<std::string> remove;
  if (world.policy_host.up) {
    put.push_back(policy_vhost(world));
  } else {
    remove.push_back(policy_host());
  }
  // The report receivers (RFC 8460 §3): HTTPS sinks on the policy host's address, found by
  // SNI; mail to an MX of the world, which the report collector reads.
  std::map<std::string, https::VirtualHost> sinks;
  for (const auto& d : lab_destinations(world, domain_)) {
    if (d.kind == ReportDestination::Kind::mailto) {
      lab_.add_report_mailbox(d.mailbox);
      continue;
    }
    auto& vhost = sinks[d.host];
    vhost.name = d.host;  // no addresses: chosen by SNI, the policy host keeps the address
    vhost.post_sinks[d.path] = https::PostSink{};
  }
  for (const auto& old : report_vhosts_) {
    if (!sinks.count(old)) remove.push_back(old);
  }
  report_vhosts_.clear();
  for (auto& [name, vhost] : sinks) {
    report_vhosts_.push_back(name);
    put.push_back(std::move(vhost));
  }
  if (!put.empty()) lab_.ensure_https_listener(plan_.policy_host());
  // One step: the policy host and the receivers switch together (build aside, swap).
  lab_.https().replace_vhosts(remove, std::move(put));
}

void WorldApplier::clear() {
  lab_.zone().clear_below(domain_);
  lab_.https().remove_vhost(policy_host());
  for (const auto& name : report_vhosts_)
    lab_.https().remove_vhost(name);
}

}  // namespace stslab::harness
