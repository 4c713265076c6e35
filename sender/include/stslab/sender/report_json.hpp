// The TLS-RPT report itself (RFC 8460 §4.4) for one policy domain and one UTC day, with the
// names that go with it: report-id, the RFC 8460 §5.1 file name.
#pragma once

#include <cstdint>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>

#include "stslab/sender/defects.hpp"
#include "stslab/sender/report_aggregate.hpp"

namespace stslab::sender {

struct ReportIdentity {
  std::string submitter;  // the reporting domain (TLS-Report-Submitter, DKIM d=)
  std::string unique;     // ALPHA/DIGIT, makes report-id and file name unique (RFC 8460 §5.1)
  std::time_t begin = 0;  // 00:00:00Z of the day
  std::time_t end = 0;    // 23:59:59Z of the day, as in RFC 8460 Appendix B

  std::string contact() const { return "tlsrpt-noreply@" + submitter; }
  // "<day>.<unique>.<policy-domain>@<submitter>": an id-left@id-right that RPT-16's Subject
  // pattern accepts and that differs per day and domain (RPT-21).
  std::string report_id(const std::string& policy_domain) const;
  // RFC 8460 §5.1: submitter!policy-domain!begin!end!unique.json.gz
  std::string filename(const std::string& policy_domain) const;
};

// The identity of the report of `day` ("YYYY-MM-DD"). Throws std::invalid_argument for a bad day.
ReportIdentity make_identity(const std::string& submitter, const std::string& day,
                             const std::string& unique);

// The report as ordered JSON, member order as in RFC 8460 §4.4. mx-host-as-string and
// policies-as-object break its shape on purpose.
nlohmann::ordered_json build_report(const DomainDay& day, const ReportIdentity& id,
                                    const DefectSet& defects);

// A fresh unique part: 16 hexadecimal digits from the system's random source.
std::string random_unique();

}  // namespace stslab::sender
