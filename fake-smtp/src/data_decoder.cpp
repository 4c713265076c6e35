#include "stslab/smtp/data_decoder.hpp"

namespace stslab::smtp {

std::size_t DataDecoder::feed(std::string_view in, std::string& out, std::uint64_t cap) {
  std::size_t i = 0;
  while (i < in.size() && state_ != State::done) {
    const char c = in[i++];
    switch (state_) {
      case State::line_start:
        if (c == '.') {
          state_ = State::dot;
        } else if (c == '\r') {
          state_ = State::cr;
        } else {
          emit(c, out, cap);
          state_ = State::in_line;
        }
        break;
      case State::in_line:
        if (c == '\r') {
          state_ = State::cr;
        } else {
          emit(c, out, cap);
        }
        break;
      case State::cr:  // a CR is held back until we know whether LF follows
        emit('\r', out, cap);
        if (c == '\n') {
          emit('\n', out, cap);
          state_ = State::line_start;
        } else if (c != '\r') {
          emit(c, out, cap);
          state_ = State::in_line;
        }
        break;
      case State::dot:  // a line starting with '.': the dot is stuffing unless CRLF follows
        if (c == '\r') {
          state_ = State::dot_cr;
        } else {
          emit(c, out, cap);
          state_ = State::in_line;
        }
        break;
      case State::dot_cr:
        if (c == '\n') {
          state_ = State::done;
        } else {
          // ".\r" followed by something else: the dot was stuffing, the CR is data.
          --i;
          state_ = State::cr;
        }
        break;
      case State::done:
        break;
    }
  }
  return i;
}

}  // namespace stslab::smtp
