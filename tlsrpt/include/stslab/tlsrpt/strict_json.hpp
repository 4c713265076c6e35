// The strict JSON reader for reports: RFC 8460 §4 makes the report I-JSON (RFC 7493), so a
// duplicate member name or a byte sequence that is not UTF-8 is an error, not a quirk to
// smooth over the way ordinary JSON parsers do (last duplicate wins).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace stslab::tlsrpt {

// Byte offset of the first ill-formed UTF-8 sequence (RFC 3629 §4: no overlongs, no
// surrogates, nothing above U+10FFFF), or nullopt if the text is well-formed.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

// The text with each ill-formed UTF-8 sequence replaced by U+FFFD: for what a mail carries
// outside the report (headers, filenames), which findings quote and JSON output must hold.
std::string to_valid_utf8(std::string_view text);

// A report is 5 levels deep (report, policies, entry, failure-details, detail); far deeper
// nesting is an attack on memory and on recursive consumers, not a report.
inline constexpr std::size_t kMaxJsonDepth = 64;

// Parses one JSON text. Throws InputError invalid_utf8, duplicate_member (naming the JSON
// pointer of the repeated member), number_out_of_range (1e999, a 5000-digit integer: line,
// column and the number), too_deep (beyond kMaxJsonDepth, with the JSON pointer) or not_json
// (with the parser's line and column). Nothing else: no nlohmann-json exception escapes.
nlohmann::json parse_strict_json(std::string_view text);

}  // namespace stslab::tlsrpt
