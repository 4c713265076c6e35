// Quoting a value for a /bin/sh command line: whatever the value holds (quotes, $(...), `...`,
// newlines), the shell sees one word with exactly these bytes.
#pragma once

#include <string>
#include <string_view>

namespace stslab::harness::adapters {

// 'value' with every ' written as '\''.
std::string shell_quote(std::string_view value);

}  // namespace stslab::harness::adapters
