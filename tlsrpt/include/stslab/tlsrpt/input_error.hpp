// Input that cannot be turned into a report at all: the caller gets no report, only this error
// (the CLI exits 2 for it). Everything else is a Finding on a report that could be read.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace stslab::tlsrpt {

enum class InputErrorKind {
  gzip_truncated,       // the deflate stream or the gzip trailer ends early
  gzip_corrupt,         // bad header, bad data, CRC or length mismatch, trailing garbage
  unreadable,           // the file cannot be read: missing, no permission, not a regular file
  too_large,            // beyond an input cap, as received or decompressed (a gzip bomb)
  not_json,             // a JSON syntax error, or not JSON at all
  number_out_of_range,  // RFC 7493 §2.2: a number beyond an IEEE 754 double (1e999)
  too_deep,             // JSON nested deeper than kMaxJsonDepth
  duplicate_member,     // RFC 7493 §2.3: member names must be unique (I-JSON)
  invalid_utf8,         // RFC 7493 §2.1: I-JSON text is UTF-8
  not_an_object,        // the top level is not a JSON object (RFC 8460 §4.4)
  not_a_mail,           // looked like a mail but could not be parsed as one
  no_report_part,       // a mail without an application/tlsrpt+json or +gzip part
};

std::string_view to_string(InputErrorKind kind);

class InputError : public std::runtime_error {
 public:
  InputError(InputErrorKind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  InputErrorKind kind() const { return kind_; }

 private:
  InputErrorKind kind_;
};

}  // namespace stslab::tlsrpt
