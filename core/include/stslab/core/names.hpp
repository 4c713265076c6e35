// Host and mail names compare case-insensitively (ASCII only: DNS names in the lab are
// A-labels). One lower-casing for every part that keys maps or sets by name.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>

namespace stslab::core {

inline std::string ascii_lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace stslab::core
