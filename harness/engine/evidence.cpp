#include "stslab/harness/evidence.hpp"

#include "stslab/core/clock.hpp"
#include "stslab/core/events/catalog.hpp"

namespace stslab::harness {

std::string describe_event(const core::Event& e) {
  return core::events::describe(e);
}

nlohmann::json summarize_evidence(const std::vector<core::Event>& events,
                                  std::size_t max_lines_per_source) {
  nlohmann::json out = {{"dns", nlohmann::json::array()},     {"https", nlohmann::json::array()},
                        {"smtp", nlohmann::json::array()},    {"tls", nlohmann::json::array()},
                        {"mitm", nlohmann::json::array()},    {"mta", nlohmann::json::array()},
                        {"timeline", nlohmann::json::array()}};
  for (const auto& e : events) {
    std::string line = describe_event(e);
    if (line.empty()) continue;
    std::string bucket(core::to_string(e.source));
    if (e.kind == "smtp.tls" || e.kind == "https.tls" || e.kind == "mitm.tls") bucket = "tls";
    if (e.source == core::Source::harness) bucket = "timeline";
    auto& list = out[bucket];
    if (list.size() < max_lines_per_source) {
      list.push_back(core::format_rfc3339(e.lab_time).substr(11) + " " + line);
    } else if (list.size() == max_lines_per_source) {
      list.push_back("... (more in journal.jsonl)");
    }
  }
  return out;
}

}  // namespace stslab::harness
