#include "stslab/sender/report_state.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace stslab::sender {
namespace {

void write_atomically(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path);
}

nlohmann::json to_json(const ReportRecord& r) {
  nlohmann::json rua = nlohmann::json::array();
  for (const auto& u : r.rua) {
    rua.push_back({{"uri", u.uri},
                   {"transport", u.transport},
                   {"address", u.address},
                   {"state", u.state},
                   {"attempts", u.attempts},
                   {"detail", u.detail}});
  }
  return {{"policy-domain", r.policy_domain}, {"day", r.day},           {"status", r.status},
          {"report-id", r.report_id},         {"filename", r.filename}, {"submitter", r.submitter},
          {"first-attempt", r.first_attempt}, {"sessions", r.sessions}, {"rua", rua}};
}

ReportRecord from_json(const nlohmann::json& j) {
  ReportRecord r;
  r.policy_domain = j.at("policy-domain").get<std::string>();
  r.day = j.at("day").get<std::string>();
  r.status = j.at("status").get<std::string>();
  r.report_id = j.value("report-id", "");
  r.filename = j.value("filename", "");
  r.submitter = j.value("submitter", "");
  r.first_attempt = j.value("first-attempt", std::time_t{0});
  r.sessions = j.value("sessions", std::size_t{0});
  for (const auto& u : j.value("rua", nlohmann::json::array())) {
    r.rua.push_back({u.value("uri", ""), u.value("transport", ""), u.value("address", ""),
                     u.value("state", "pending"), u.value("attempts", 0), u.value("detail", "")});
  }
  return r;
}

}  // namespace

ReportState::ReportState(std::filesystem::path dir) : dir_(std::move(dir)) {
  const auto file = dir_ / "state.json";
  std::ifstream in(file);
  if (!in) return;
  try {
    const auto j = nlohmann::json::parse(in);
    for (const auto& r : j.at("reports"))
      records_.push_back(from_json(r));
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot read " + file.string() + ": " + e.what());
  }
}

ReportRecord* ReportState::find(const std::string& policy_domain, const std::string& day) {
  for (auto& r : records_) {
    if (r.policy_domain == policy_domain && r.day == day) return &r;
  }
  return nullptr;
}

ReportRecord& ReportState::add(ReportRecord record) {
  records_.push_back(std::move(record));
  return records_.back();
}

void ReportState::save() const {
  nlohmann::json reports = nlohmann::json::array();
  for (const auto& r : records_)
    reports.push_back(to_json(r));
  write_atomically(dir_ / "state.json", nlohmann::json{{"reports", reports}}.dump(1) + "\n");
}

std::filesystem::path ReportState::report_file(const ReportRecord& r) const {
  // Several reports may cover one day (each --flush sends what came since the last): the
  // report-id tells them apart.
  std::string id = r.report_id;
  for (char& c : id) {
    if (c == '/' || c == '\\') c = '_';
  }
  return dir_ / (r.policy_domain + "_" + r.day + "_" + id + ".json");
}

void ReportState::store_report(const ReportRecord& r, const std::string& json_text) const {
  write_atomically(report_file(r), json_text);
}

std::optional<std::string> ReportState::load_report(const ReportRecord& r) const {
  std::ifstream in(report_file(r), std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace stslab::sender
