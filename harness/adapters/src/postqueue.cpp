#include "stslab/harness/adapters/postqueue.hpp"

#include <stdexcept>

namespace stslab::harness::adapters {

namespace {

// A member that Postfix prints as a string; absent is empty, any other type is not postqueue's.
std::string text_member(const nlohmann::json& object, const char* key, std::string_view line) {
  const auto it = object.find(key);
  if (it == object.end()) return {};
  if (!it->is_string()) {
    throw std::runtime_error(std::string("postqueue -j printed \"") + key +
                             "\" that is not a string: " + std::string(line));
  }
  return it->get<std::string>();
}

}  // namespace

std::vector<QueueEntry> parse_postqueue_json(std::string_view output) {
  std::vector<QueueEntry> out;
  std::size_t start = 0;
  while (start < output.size()) {
    auto end = output.find('\n', start);
    if (end == std::string_view::npos) end = output.size();
    const auto line = output.substr(start, end - start);
    start = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    nlohmann::json message;
    try {
      message = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error("postqueue -j printed a line that is not JSON (" +
                               std::string(e.what()) + "): " + std::string(line));
    }
    if (!message.is_object() || !message.contains("recipients") ||
        !message["recipients"].is_array()) {
      throw std::runtime_error("postqueue -j printed an object without recipients: " +
                               std::string(line));
    }
    const auto queue = text_member(message, "queue_name", line);
    const auto queue_id = text_member(message, "queue_id", line);
    for (const auto& r : message["recipients"]) {
      if (!r.is_object()) continue;
      QueueEntry e;
      e.recipient = text_member(r, "address", line);
      e.reason = text_member(r, "delay_reason", line);
      e.state = queue == "deferred" ? "deferred" : "queued";
      e.queue_id = queue_id;
      out.push_back(std::move(e));
    }
  }
  return out;
}

}  // namespace stslab::harness::adapters
