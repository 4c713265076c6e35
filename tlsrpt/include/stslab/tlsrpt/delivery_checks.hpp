// The checks on how a report was delivered (RFC 8460 §5): media type against content
// (RPT-07, RPT-17), gzip (RPT-19), filename (RPT-18), and for mail the header fields (RPT-14),
// Subject (RPT-16), DKIM-Signature (RPT-12, RPT-13, RPT-15) and the MIME structure (RPT-17).
#pragma once

#include <vector>

#include "stslab/tlsrpt/decode.hpp"
#include "stslab/tlsrpt/finding.hpp"
#include "stslab/tlsrpt/report.hpp"

namespace stslab::tlsrpt {

std::vector<Finding> check_delivery(const TransportFacts& transport, const Decoded& decoded,
                                    const Report& report);

// The mail-only part of check_delivery.
std::vector<Finding> check_mail(const MailFacts& mail, bool gzipped, const Report& report);

// RPT-18 on one report filename (attachment name). `gzipped` is what the content is.
std::vector<Finding> check_filename(std::string_view filename, bool gzipped, const Report& report,
                                    std::string_view where);

}  // namespace stslab::tlsrpt
