// Fetching https://mta-sts.<domain>/.well-known/mta-sts.txt (RFC 8461 §3.3) and parsing it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "stslab/sender/defects.hpp"
#include "stslab/sender/policy.hpp"

namespace stslab::sender {

class Resolver;
class Trust;

struct FetchOptions {
  std::uint16_t port = 443;
  std::chrono::milliseconds step_timeout{10000};
  std::size_t max_body = 64 * 1024;  // §3.3 suggests 64 KB
};

struct FetchResult {
  std::optional<Policy> policy;
  // On failure, the TLS-RPT result type: "sts-policy-fetch-error", "sts-webpki-invalid" or
  // "sts-policy-invalid" (RFC 8460 §4.3.2).
  std::string failure;
  std::string detail;
  std::string url;
  std::string local_address;  // ours on the last connection, "" if none was made
};

FetchResult fetch_policy(const std::string& policy_domain, Resolver& resolver, Trust& trust,
                         const FetchOptions& options, const DefectSet& defects);

// "text/plain; charset=utf-8" -> true. Parameters are ignored (§3.2); the type is case-blind.
bool is_text_plain(std::string_view content_type);

}  // namespace stslab::sender
