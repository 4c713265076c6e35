// nlohmann-json keeps the last of two equal member names without a word; I-JSON (RFC 7493
// §2.3) forbids them, and a report with two "total-failure-session-count" members is
// ambiguous. The parser callback below sees every key before it is stored and keeps a stack
// of the names seen in each open object, plus the JSON pointer to report where the repeat is.
#include "stslab/tlsrpt/strict_json.hpp"

#include <set>
#include <string>
#include <vector>

#include "stslab/tlsrpt/input_error.hpp"

namespace stslab::tlsrpt {
namespace {

using json = nlohmann::json;

// RFC 6901 escaping of one reference token.
std::string pointer_token(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// One open container while parsing.
struct Frame {
  bool is_object = false;
  std::set<std::string> names;  // objects: member names so far
  std::string current;          // objects: the member being parsed
  std::size_t index = 0;        // arrays: the element being parsed
};

class DuplicateFinder {
 public:
  bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        frames_.push_back(Frame{.is_object = true});
        break;
      case json::parse_event_t::array_start:
        frames_.push_back(Frame{.is_object = false});
        break;
      case json::parse_event_t::key:
        on_key(parsed.get<std::string>());
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        frames_.pop_back();
        value_done();
        break;
      case json::parse_event_t::value:
        value_done();
        break;
    }
    return true;
  }

  const std::string& first_duplicate() const { return duplicate_; }

 private:
  void on_key(const std::string& name) {
    Frame& top = frames_.back();
    top.current = name;
    if (!top.names.insert(name).second && duplicate_.empty()) duplicate_ = pointer();
  }

  // A value inside an array moves the array on to its next element.
  void value_done() {
    if (!frames_.empty() && !frames_.back().is_object) ++frames_.back().index;
  }

  std::string pointer() const {
    std::string out;
    for (const Frame& f : frames_) {
      out += "/" + (f.is_object ? pointer_token(f.current) : std::to_string(f.index));
    }
    return out;
  }

  std::vector<Frame> frames_;
  std::string duplicate_;
};

// Needed because a lead byte only says how long the sequence should be; the ranges of the
// second byte exclude overlongs and surrogates (RFC 3629 §4 table).
std::size_t sequence_length(unsigned char lead, unsigned char& low, unsigned char& high) {
  low = 0x80;
  high = 0xbf;
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) {
    if (lead == 0xe0) low = 0xa0;
    if (lead == 0xed) high = 0x9f;
    return 3;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    if (lead == 0xf0) low = 0x90;
    if (lead == 0xf4) high = 0x8f;
    return 4;
  }
  return 0;
}

}  // namespace

std::optional<std::size_t> find_invalid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    unsigned char low = 0;
    unsigned char high = 0;
    const std::size_t n = sequence_length(static_cast<unsigned char>(text[i]), low, high);
    if (n == 0 || i + n > text.size()) return i;
    for (std::size_t k = 1; k < n; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if (c < (k == 1 ? low : 0x80) || c > (k == 1 ? high : 0xbf)) return i;
    }
    i += n;
  }
  return std::nullopt;
}

json parse_strict_json(std::string_view text) {
  if (const auto bad = find_invalid_utf8(text)) {
    throw InputError(InputErrorKind::invalid_utf8,
                     "not UTF-8: ill-formed byte sequence at byte offset " + std::to_string(*bad) +
                         " (RFC 7493 §2.1)");
  }
  DuplicateFinder finder;
  json value;
  try {
    // The callback is copied by the parser; a reference wrapper keeps our one finder.
    value = json::parse(text.begin(), text.end(), std::ref(finder));
  } catch (const json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line 1, column 7: ...";
    // the bracketed id means nothing to a reader.
    std::string what = e.what();
    if (const auto pos = what.find("] "); pos != std::string::npos) what.erase(0, pos + 2);
    throw InputError(InputErrorKind::not_json, "not JSON: " + what);
  }
  if (!finder.first_duplicate().empty()) {
    throw InputError(InputErrorKind::duplicate_member,
                     "duplicate member name at " + finder.first_duplicate() +
                         " (I-JSON forbids it, RFC 7493 §2.3; RPT-20)");
  }
  return value;
}

}  // namespace stslab::tlsrpt
