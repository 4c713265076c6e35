// Making untrusted text (SMTP transcripts, certificate names, MTA log lines) safe for each
// report format. Internal to the report component.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace stslab::harness::text {

// `s` with every ill-formed UTF-8 sequence replaced by U+FFFD, one per maximal subpart (Unicode
// chapter 3, "U+FFFD substitution of maximal subparts"), so the result is always valid UTF-8.
std::string valid_utf8(std::string_view s);
// The same for every string and object key inside `j`, recursively.
nlohmann::json valid_utf8_json(const nlohmann::json& j);

// Character data for an XML 1.0 element: &, <, > escaped; CR kept as &#13; so a parser does
// not normalize it away; characters XML 1.0 forbids (C0 controls other than TAB, LF and CR,
// U+FFFE, U+FFFF) shown as "\xNN" / "\uFFFE" since no escape can carry them.
std::string xml_text(std::string_view s);
// An XML attribute value (for double quotes): as xml_text, plus " and ' escaped and TAB, LF,
// CR as character references so attribute normalization keeps them.
std::string xml_attr(std::string_view s);

// One Markdown table cell on one line: line breaks and tabs become spaces, other control
// characters U+FFFD, Markdown punctuation (| \ ` * _ [ ] < > & ~) backslash-escaped, and at
// most `max_chars` code points (then "…").
std::string markdown_cell(std::string_view s, std::size_t max_chars = 240);

}  // namespace stslab::harness::text
