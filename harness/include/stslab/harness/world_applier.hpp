// Turns a scenario's world (plain data) into the behaviour of the lab's fakes, and changes it
// again when a step changes the world. Each scenario owns a block of lab addresses and its own
// domain, so any number of scenarios can share the fakes at once.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <functional>
#include <string>
#include <vector>

#include "stslab/harness/lab_services.hpp"
#include "stslab/harness/scenario.hpp"

namespace stslab::harness {

// The addresses of one scenario's hosts: 127.A.B.x for scenario slot k (A = 10 + k / 250,
// B = k % 250). x = 80 policy host, 81 an address nobody listens on ("host down"),
// n = MX proxy (what DNS names), 100 + n = the real MX behind it (n = 1, 2, ... per MX in order).
class AddressPlan {
 public:
  explicit AddressPlan(int slot);
  boost::asio::ip::address policy_host() const { return host(80); }
  boost::asio::ip::address nobody() const { return host(81); }
  // Throw std::out_of_range past kMaxMxHosts (scenario.hpp), which lint refuses first.
  boost::asio::ip::address mx_proxy(int index) const;
  boost::asio::ip::address mx_real(int index) const;

 private:
  static void check_mx(int index);
  boost::asio::ip::address host(int x) const;
  int a_, b_;
};

// "{domain}" and "{policy_id}" replaced.
std::string expand(std::string text, const std::string& domain, const std::string& policy_id);
// The policy file's text, as the policy host serves it.
std::string render_policy(const PolicySpec& policy, const std::string& domain);
// The zone-file lines the world publishes (MX, A, TXT records and the extra lines). `mx_slot`
// gives each MX label its index in the address plan.
std::vector<std::string> zone_records(const WorldSpec& world, const std::string& domain,
                                      const AddressPlan& plan,
                                      const std::function<int(const std::string&)>& mx_slot);

class WorldApplier {
 public:
  WorldApplier(LabServices& lab, std::string domain, int slot);

  // Makes the fakes show `world`. Idempotent; call again with a changed world.
  void apply(const WorldSpec& world);
  // Removes the scenario's records and hosts (MX vhosts stay bound but idle).
  void clear();

  const std::string& domain() const { return domain_; }
  std::string mx_host(const MxSpec& mx) const { return mx.label + "." + domain_; }
  std::string policy_host() const { return "mta-sts." + domain_; }

 private:
  LabServices& lab_;
  std::string domain_;
  AddressPlan plan_;
  // An MX keeps the address slot of its first sighting, also when a change drops and re-adds it.
  std::vector<std::string> mx_labels_;
  std::vector<std::string> report_vhosts_;  // HTTPS report receivers now set up
  int mx_slot(const std::string& label);
  void apply_mx(const MxSpec& mx);
  // The policy host and the HTTPS report receivers, swapped in as one change.
  void apply_https(const WorldSpec& world);
  https::VirtualHost policy_vhost(const WorldSpec& world) const;
};

}  // namespace stslab::harness
