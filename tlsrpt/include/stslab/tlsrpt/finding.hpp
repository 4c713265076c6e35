// A validation finding: one deviation of a received TLS-RPT report (or of how it was delivered)
// from RFC 8460, tied to a requirement ID of ../shared/requirements.md Part 2 (RPT-xx).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace stslab::tlsrpt {

// The strength of the requirement broken, as in the requirements table.
enum class Level { must, should, may, info };

// What the deviation means for a consumer of the report. `invalid`: a MUST is broken in a way
// that can make the report unusable or misattributed. `sloppy`: the report is still usable but
// off-spec (SHOULDs, and MUSTs the requirements tell us to be lenient about, such as a string
// mx-host, erratum 6241). `note`: an observation, nothing is wrong (e.g. DKIM not verified).
enum class Severity { invalid, sloppy, note };

struct Finding {
  std::string id;  // "RPT-26"
  Level level = Level::must;
  Severity severity = Severity::invalid;
  std::string where;    // JSON pointer into the report ("/policies/0/policy/mx-host"), or a
                        // transport location ("mail:Subject", "mail:filename", "http:Content-Type")
  std::string message;  // one sentence for a human
};

std::string_view to_string(Level level);
std::string_view to_string(Severity severity);

// Constructors that keep the call sites short and the pairing of level and severity visible.
Finding invalid(std::string id, Level level, std::string where, std::string message);
Finding sloppy(std::string id, Level level, std::string where, std::string message);
Finding note(std::string id, std::string where, std::string message);

bool has_invalid(const std::vector<Finding>& findings);

}  // namespace stslab::tlsrpt
