// Byte encodings the report needs: gzip (RFC 8460 §5.2 wants reports compressed), base64 for
// the mail part and the DKIM tags, and SHA-256 for the DKIM body hash.
#pragma once

#include <string>
#include <string_view>

namespace stslab::sender {

// A whole gzip member (RFC 1952), magic 1f 8b. Throws std::runtime_error if zlib fails.
std::string gzip_compress(std::string_view data);
// The inverse, for tests and for reading back what was sent. Throws on malformed input.
std::string gzip_decompress(std::string_view data);

// Standard base64 (RFC 4648 §4) with padding, in one line.
std::string base64_encode(std::string_view bytes);
// The same, broken into lines of `width` characters ending in CRLF (MIME, RFC 2045 §6.8).
std::string base64_lines(std::string_view bytes, std::size_t width = 76);
// Ignores line breaks and blanks. Throws std::invalid_argument for other non-base64 input.
std::string base64_decode(std::string_view text);

std::string sha256(std::string_view bytes);  // the raw 32-byte digest

}  // namespace stslab::sender
