// Report fixtures: runs that cover every verdict, and text a hostile peer could have put in a
// transcript.
#pragma once

#include <string>
#include <vector>

#include "stslab/harness/result.hpp"

namespace stslab::harness::fixtures {

// Markup of every format, line breaks, C0 controls, DEL, invalid UTF-8 (a stray 0xFF, a
// truncated two-byte sequence), "]]>", quotes and U+FFFE (valid UTF-8, forbidden in XML).
inline const std::string kHostile =
    "<b>&amp; | pipe\nnext line\r\n\ttab \x01\x1f\x7f bad:\xff\xc3( ]]> \"q' \xef\xbf\xbe end";

// A scenario result with the given id and verdict, a decisive message and some evidence.
ScenarioResult sample_result(const std::string& id, Verdict verdict,
                             const std::string& reason = "because");

// Two runs: "postfix" with one result per verdict (scenario ids "v/<verdict word>"), and
// "postfix-plain" with two of the same scenarios and one of its own.
std::vector<RunResult> sample_runs();

}  // namespace stslab::harness::fixtures
