// Decodes the octets after DATA's 354: removes dot-stuffing (RFC 5321 4.5.2) and stops at the
// end marker CRLF.CRLF. Only CRLF ends a line: a bare LF is data, so "\n.\n" does not end the
// message (no SMTP smuggling through this fake). Works octet by octet, so a huge line or message
// never needs buffering beyond the caller's cap.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace stslab::smtp {

class DataDecoder {
 public:
  // Decodes from `in` until the end marker. Unstuffed octets are appended to `out` while
  // out.size() < cap; all of them are counted in size(). Returns how many octets of `in` were
  // used: all of them, unless the end marker came earlier (then done() is true and the rest
  // belongs to the next command).
  std::size_t feed(std::string_view in, std::string& out, std::uint64_t cap);
  bool done() const { return state_ == State::done; }
  // Octets of message data seen so far (without the end marker and the stuffing dots).
  std::uint64_t size() const { return size_; }
  void reset() {
    state_ = State::line_start;
    size_ = 0;
  }

 private:
  enum class State { line_start, in_line, cr, dot, dot_cr, done };
  void emit(char c, std::string& out, std::uint64_t cap) {
    ++size_;
    if (out.size() < cap) out.push_back(c);
  }
  State state_ = State::line_start;
  std::uint64_t size_ = 0;
};

}  // namespace stslab::smtp
