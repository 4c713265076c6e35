// The report's JSON is read with nlohmann-json's SAX interface into our own DOM builder, so
// that everything RFC 7493 (I-JSON) and a hostile sender make us care about is decided while
// parsing, with the place named, and nothing escapes as a raw library exception:
// - nlohmann-json keeps the last of two equal member names without a word; I-JSON §2.3 forbids
//   them, and a report with two "total-failure-session-count" members is ambiguous;
// - a number beyond an IEEE 754 double (1e999, a 5000-digit integer) makes nlohmann-json throw
//   out_of_range.406; I-JSON §2.2 rules such numbers out;
// - nesting is bounded: a report is 5 levels deep, and a text of a million '[' would cost
//   memory here and stack in every recursive consumer (nlohmann's dump() among them).
#include "stslab/tlsrpt/strict_json.hpp"

#include <algorithm>
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

// "line 3, column 14" (both from 1) of the byte at `offset`, as an editor shows it.
std::string line_and_column(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  const std::string_view before = text.substr(0, offset);
  const auto lines = std::count(before.begin(), before.end(), '\n');
  const auto last_newline = before.rfind('\n');
  const std::size_t column =
      last_newline == std::string_view::npos ? offset + 1 : offset - last_newline;
  return "line " + std::to_string(lines + 1) + ", column " + std::to_string(column);
}

// A token as quoted in a message: a 5000-digit number is shown by its start and its length.
std::string shown_token(const std::string& token) {
  constexpr std::size_t kShown = 40;
  if (token.size() <= kShown) return "'" + token + "'";
  return "'" + token.substr(0, kShown) + "...' (" + std::to_string(token.size()) + " characters)";
}

// One open container while parsing: the node in the tree, and for an object the member whose
// value is being parsed (its name and its slot, both stable inside the object's std::map).
struct Frame {
  json* node = nullptr;
  const std::string* key = nullptr;
  json* slot = nullptr;
};

// Builds the DOM the way nlohmann's own json_sax_dom_parser does (a stack of pointers to the
// open containers; a child is always the last element of its parent array, so no pointer is
// invalidated while it is open), and stops at the first thing a report must not have.
class StrictBuilder {
 public:
  explicit StrictBuilder(std::string_view text) : text_(text) {}

  bool null() { return add(json(nullptr)); }
  bool boolean(bool value) { return add(json(value)); }
  bool number_integer(json::number_integer_t value) { return add(json(value)); }
  bool number_unsigned(json::number_unsigned_t value) { return add(json(value)); }
  bool number_float(json::number_float_t value, const json::string_t& /*text*/) {
    return add(json(value));
  }
  bool string(json::string_t& value) { return add(json(std::move(value))); }
  bool binary(json::binary_t& /*value*/) {
    // Only the binary formats (CBOR, MessagePack, ...) produce it; never a JSON text.
    return fail(InputErrorKind::not_json, "not JSON: binary data");
  }
  bool start_object(std::size_t /*size*/) { return open(json::value_t::object); }
  bool start_array(std::size_t /*size*/) { return open(json::value_t::array); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(json::string_t& name) {
    Frame& top = frames_.back();
    // try_emplace leaves `name` alone when it is already there.
    const auto [it, added] = top.node->get_ref<json::object_t&>().try_emplace(std::move(name));
    if (!added) {
      return fail(InputErrorKind::duplicate_member,
                  "duplicate member name at " + pointer(false) + "/" + pointer_token(name) +
                      " (I-JSON forbids it, RFC 7493 §2.3; RPT-20)");
    }
    top.key = &it->first;
    top.slot = &it->second;
    return true;
  }

  bool parse_error(std::size_t position, const std::string& token, const json::exception& e) {
    if (dynamic_cast<const json::out_of_range*>(&e)) {
      // The only out_of_range the parser reports: a number a double cannot hold (406).
      // `position` is just past the number.
      const std::size_t start = position >= token.size() ? position - token.size() : 0;
      return fail(InputErrorKind::number_out_of_range,
                  "number out of range at " + line_and_column(text_, start) + ": " +
                      shown_token(token) +
                      " does not fit an IEEE 754 double (I-JSON, RFC 7493 §2.2; RPT-20)");
    }
    // e.what() is "[json.exception.parse_error.101] parse error at line 1, column 7: ...";
    // the bracketed id means nothing to a reader.
    std::string what = e.what();
    if (const auto pos = what.find("] "); pos != std::string::npos) what.erase(0, pos + 2);
    return fail(InputErrorKind::not_json, "not JSON: " + what);
  }

  const std::optional<InputError>& error() const { return error_; }
  json take() { return std::move(root_); }

 private:
  // Where the next value goes: the root, the end of the open array, or the slot key() made
  // for the open object's member.
  json* place(json&& value) {
    if (frames_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Frame& top = frames_.back();
    if (top.node->is_array()) {
      top.node->push_back(std::move(value));
      return &top.node->back();
    }
    *top.slot = std::move(value);
    return top.slot;
  }

  bool add(json&& value) {
    place(std::move(value));
    return true;
  }

  bool open(json::value_t type) {
    if (frames_.size() >= kMaxJsonDepth) {
      return fail(InputErrorKind::too_deep, "JSON nested deeper than " +
                                                std::to_string(kMaxJsonDepth) +
                                                " levels (a report needs 5), at " + pointer(true));
    }
    json* node = place(json(type));
    frames_.push_back(Frame{.node = node});
    return true;
  }

  bool close() {
    frames_.pop_back();
    return true;
  }

  // The JSON pointer of the innermost open container (RFC 6901), for messages; `next` adds the
  // element an open array is about to get. An open container is its parent's last element.
  std::string pointer(bool next) const {
    std::string out;
    for (std::size_t i = 0; i < frames_.size(); ++i) {
      const json& node = *frames_[i].node;
      if (node.is_object()) {
        if (i + 1 < frames_.size() || next) out += "/" + pointer_token(*frames_[i].key);
      } else if (i + 1 < frames_.size()) {
        out += "/" + std::to_string(node.size() - 1);
      } else if (next) {
        out += "/" + std::to_string(node.size());
      }
    }
    return out;
  }

  // Returning false stops the parser; the first error is the one reported. A message quotes
  // input (nlohmann's "last read: '...'" may end inside a multi-byte character), and it ends up
  // in JSON output, so it is made valid UTF-8 here.
  bool fail(InputErrorKind kind, const std::string& message) {
    if (!error_) error_.emplace(kind, to_valid_utf8(message));
    return false;
  }

  std::string_view text_;
  json root_;
  std::vector<Frame> frames_;
  std::optional<InputError> error_;
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

std::string to_valid_utf8(std::string_view text) {
  std::string out;
  while (const auto bad = find_invalid_utf8(text)) {
    out.append(text.substr(0, *bad));
    out.append("\xef\xbf\xbd");  // U+FFFD REPLACEMENT CHARACTER
    text.remove_prefix(*bad + 1);
  }
  out.append(text);
  return out;
}

json parse_strict_json(std::string_view text) {
  if (const auto bad = find_invalid_utf8(text)) {
    throw InputError(InputErrorKind::invalid_utf8,
                     "not UTF-8: ill-formed byte sequence at byte offset " + std::to_string(*bad) +
                         " (RFC 7493 §2.1)");
  }
  StrictBuilder builder(text);
  const bool complete = json::sax_parse(text.begin(), text.end(), &builder);
  if (builder.error()) throw *builder.error();
  if (!complete) throw InputError(InputErrorKind::not_json, "not JSON: the parser stopped early");
  return builder.take();
}

}  // namespace stslab::tlsrpt
