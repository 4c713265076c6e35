// The known non-compliances stslab-sender can be told to commit (--defect NAME). Each one breaks
// one rule of RFC 8461 or RFC 8460 on purpose so that the harness can prove it notices. The table
// in defects.cpp is the single place that names them; behaviour asks DefectSet::has(Defect::...).
#pragma once

#include <bitset>
#include <initializer_list>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace stslab::sender {

enum class Defect {
  no_cert_verify,
  ignore_expiry,
  no_hostname_check,
  ignore_mx_match,
  wildcard_any_depth,
  follow_redirects,
  accept_non_200,
  ignore_content_type,
  fallback_plaintext_on_enforce,
  ignore_id_change,
  drop_cache_on_missing_txt,
  multiple_txt_accepted,
  last_duplicate_key_wins,
  no_sni,
  keep_injected_plaintext,
  max_age_unbounded,
  fail_closed_on_fetch_error,
  cn_fallback,
  policy_cert_no_verify,
  // TLS-RPT (RFC 8460): what is recorded and how the daily report is built and delivered.
  wrong_result_type,
  no_report_in_testing,
  mx_host_as_string,
  policies_as_object,
  missing_report_headers,
  gzip_labelled_json,
  report_blocked_by_sts,
  dkim_signature_invalid,
};
inline constexpr std::size_t kDefectCount = 27;

struct DefectInfo {
  Defect defect;
  std::string_view name;                       // as given to --defect
  std::vector<std::string_view> requirements;  // IDs from requirements.md it breaks
  std::string_view summary;
};

// Every defect, in the order list-defects prints them.
std::span<const DefectInfo> defect_table();
const DefectInfo& defect_info(Defect d);
std::optional<Defect> parse_defect(std::string_view name);

class DefectSet {
 public:
  DefectSet() = default;
  DefectSet(std::initializer_list<Defect> defects) {
    for (Defect d : defects)
      add(d);
  }
  void add(Defect d) { bits_.set(static_cast<std::size_t>(d)); }
  bool has(Defect d) const { return bits_.test(static_cast<std::size_t>(d)); }
  bool empty() const { return bits_.none(); }

 private:
  std::bitset<kDefectCount> bits_;
};

}  // namespace stslab::sender
