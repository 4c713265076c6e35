#include "stslab/sender/txt_record.hpp"

namespace stslab::sender {
namespace {

bool is_alpha_digit(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_wsp(char c) {
  return c == ' ' || c == '\t';
}
// sts-ext-value = 1*(%x21-3A / %x3C / %x3E-7E): printable ASCII except '=' and ';'.
bool is_ext_value_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 0x21 && u <= 0x3a) || u == 0x3c || (u >= 0x3e && u <= 0x7e);
}
// sts-ext-name = (ALPHA / DIGIT) 0*31(ALPHA / DIGIT / "_" / "-" / ".")
bool is_ext_name(std::string_view name) {
  if (name.empty() || name.size() > 32 || !is_alpha_digit(name.front())) return false;
  for (char c : name) {
    if (!is_alpha_digit(c) && c != '_' && c != '-' && c != '.') return false;
  }
  return true;
}
// sts-id = %s"id=" 1*32(ALPHA / DIGIT)
bool is_sts_id(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    if (!is_alpha_digit(c)) return false;
  }
  return true;
}

std::optional<StsTxtRecord> fail(std::string* why, std::string text) {
  if (why) *why = std::move(text);
  return std::nullopt;
}

}  // namespace

// sts-text-record = sts-version 1*(sts-field-delim sts-field) [sts-field-delim]
// sts-field-delim = *WSP ";" *WSP
std::optional<StsTxtRecord> parse_sts_txt(std::string_view record, std::string* why) {
  constexpr std::string_view kVersion = "v=STSv1";
  if (!record.starts_with(kVersion)) return fail(why, "does not start with v=STSv1");
  std::size_t pos = kVersion.size();
  std::optional<std::string> id;
  std::size_t fields = 0;
  while (pos < record.size()) {
    // A delimiter: optional blanks, exactly one ';', optional blanks.
    while (pos < record.size() && is_wsp(record[pos]))
      ++pos;
    if (pos >= record.size() || record[pos] != ';') {
      return fail(why, "expected ';' at offset " + std::to_string(pos));
    }
    ++pos;
    while (pos < record.size() && is_wsp(record[pos]))
      ++pos;
    if (pos == record.size()) break;  // the optional trailing delimiter
    // A field: name "=" value, the value running to the next blank or ';'.
    const std::size_t eq = record.find('=', pos);
    if (eq == std::string_view::npos) return fail(why, "field without '='");
    const std::string_view name = record.substr(pos, eq - pos);
    std::size_t end = eq + 1;
    while (end < record.size() && !is_wsp(record[end]) && record[end] != ';')
      ++end;
    const std::string_view value = record.substr(eq + 1, end - eq - 1);
    if (!is_ext_name(name)) return fail(why, "bad field name '" + std::string(name) + "'");
    if (value.empty()) return fail(why, "empty value for '" + std::string(name) + "'");
    for (char c : value) {
      // Also rejects every non-US-ASCII byte and control character (§3.1).
      if (!is_ext_value_char(c)) return fail(why, "bad character in '" + std::string(name) + "'");
    }
    if (name == "id") {
      // A field named id must be a well-formed sts-id; a malformed one is not an extension.
      if (!is_sts_id(value)) return fail(why, "id is not 1-32 letters or digits");
      if (!id) id = std::string(value);  // a repeated id: the first counts, as for policy keys
    }
    ++fields;
    pos = end;
  }
  if (fields == 0) return fail(why, "no field after v=STSv1");
  if (!id) return fail(why, "no id field");
  return StsTxtRecord{*id};
}

TxtSelection select_sts_record(const std::vector<std::string>& records, const DefectSet& defects) {
  std::vector<const std::string*> kept;
  for (const auto& r : records) {
    // §3.1: records that do not begin with "v=STSv1;" (case-sensitive) are discarded.
    if (std::string_view(r).starts_with("v=STSv1;")) kept.push_back(&r);
  }
  TxtSelection out;
  if (kept.empty()) {
    out.detail = records.empty() ? "no TXT record" : "no TXT record starts with v=STSv1;";
    return out;
  }
  if (kept.size() > 1 && !defects.has(Defect::multiple_txt_accepted)) {
    // §3.1: if the number of resulting records is not one, assume no policy.
    out.kind = TxtSelection::Kind::multiple;
    out.detail = std::to_string(kept.size()) + " v=STSv1 records";
    return out;
  }
  out.record = *kept.front();
  std::string why;
  if (auto parsed = parse_sts_txt(out.record, &why)) {
    out.kind = TxtSelection::Kind::valid;
    out.id = parsed->id;
  } else {
    out.kind = TxtSelection::Kind::invalid;
    out.detail = why;
  }
  return out;
}

}  // namespace stslab::sender
