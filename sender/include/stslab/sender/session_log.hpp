// STATE_DIR/sessions.jsonl: one JSON line per policy discovery and per delivery attempt, in
// RFC 8460 terms, so a TLS-RPT reporter can later count sessions per policy and failure type.
// docs/sender.md describes every field.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "stslab/sender/delivery_attempt.hpp"
#include "stslab/sender/discovery.hpp"

namespace stslab::sender {

// The RFC 8460 §4.3 result type for an attempt's failure name ("starttls-not-offered" ->
// "starttls-not-supported"); "" for failures TLS-RPT does not count (connect errors).
std::string rpt_result_type(const std::string& failure);

class SessionLog {
 public:
  SessionLog(std::filesystem::path state_dir, std::string message_id);

  // The outcome of policy discovery: written when a fetch was tried or a policy applies.
  void policy_event(const ActivePolicy& p);
  // One delivery attempt under policy `p`.
  void session(const ActivePolicy& p, const Attempt& a);

  const std::filesystem::path& file() const { return file_; }

 private:
  nlohmann::json common(const char* kind, const ActivePolicy& p) const;
  void append(const nlohmann::json& line) const;

  std::filesystem::path file_;
  std::string message_id_;
};

}  // namespace stslab::sender
