// gzip (RFC 1952) decoding for application/tlsrpt+gzip bodies (RFC 8460 §5.2, §6.4).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace stslab::tlsrpt {

// Reports are small; receivers commonly cap them at 10 MB. Beyond this we stop inflating, so a
// gzip bomb costs at most this much memory.
inline constexpr std::size_t kMaxReportBytes = 64 * 1024 * 1024;

// True if the bytes start with the gzip magic 1f 8b.
bool has_gzip_magic(std::string_view bytes);

// Inflates a gzip stream (several concatenated members allowed, RFC 1952 §2.2). Throws
// InputError gzip_truncated, gzip_corrupt or too_large.
std::string gunzip(std::string_view bytes, std::size_t max_output = kMaxReportBytes);

// Compresses with zlib's gzip wrapper; for tests and for tools that build reports.
std::string gzip(std::string_view bytes);

}  // namespace stslab::tlsrpt
