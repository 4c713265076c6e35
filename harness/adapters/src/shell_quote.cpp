#include "stslab/harness/adapters/shell_quote.hpp"

namespace stslab::harness::adapters {

std::string shell_quote(std::string_view value) {
  std::string out = "'";
  for (const char c : value) {
    // Inside single quotes nothing is special but the quote itself, which cannot be escaped
    // there: close the quotes, add an escaped quote, reopen.
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace stslab::harness::adapters
