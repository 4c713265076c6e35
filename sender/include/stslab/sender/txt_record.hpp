// The `_mta-sts.<domain>` TXT record (RFC 8461 §3.1): picking the one record that counts and
// parsing it by the ABNF. Pure functions, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stslab/sender/defects.hpp"

namespace stslab::sender {

struct StsTxtRecord {
  std::string id;  // 1-32 ALPHA/DIGIT
};

// Parses one (already joined) record strictly by the §3.1 ABNF. On failure returns nullopt and,
// if `why` is given, says what was wrong.
std::optional<StsTxtRecord> parse_sts_txt(std::string_view record, std::string* why = nullptr);

// What the TXT lookup means for policy discovery.
struct TxtSelection {
  enum class Kind {
    none,      // no record starts with "v=STSv1;" (or the name does not exist)
    multiple,  // more than one does: §3.1 says act as if there were none
    invalid,   // exactly one, but it does not parse
    valid,
  };
  Kind kind = Kind::none;
  std::string id;      // for valid
  std::string record;  // the record considered (valid / invalid)
  std::string detail;  // why it is not valid
};

// Applies the §3.1 discard rule (keep records beginning exactly with "v=STSv1;") and the
// exactly-one rule to the records of one lookup, each already joined from its strings.
TxtSelection select_sts_record(const std::vector<std::string>& records, const DefectSet& defects);

}  // namespace stslab::sender
