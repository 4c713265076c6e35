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
// "starttls-not-supported"); "" for failures TLS-RPT does not count (connect errors). The
// wrong-result-type defect files a missing STARTTLS under validation-failure.
std::string rpt_result_type(const std::string& failure, const DefectSet& defects = {});

// The result-type a session line gets: "success", a failure type, or "" (not a TLS session in
// RFC 8460's sense: it never got as far as TLS, or it was the plaintext retry). Only an
// enforce/testing policy can make a session fail (RFC 8461 §5: mode none is no policy).
std::string session_result_type(const ActivePolicy& p, const Attempt& a, const DefectSet& defects);

class SessionLog {
 public:
  // `sender_domain`: the envelope sender's domain, the default report submitter.
  SessionLog(std::filesystem::path state_dir, std::string message_id, std::string sender_domain,
             DefectSet defects = {});

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
  std::string sender_domain_;
  DefectSet defects_;
};

}  // namespace stslab::sender
