// Reading a report file from disk with the limits hostile input needs: only a regular file is
// read (a FIFO would block forever, a directory is no report, /dev/zero never ends), and at
// most a capped number of bytes, so that a huge file is refused instead of filling memory.
#pragma once

#include <cstddef>
#include <string>

namespace stslab::tlsrpt {

// The cap on a report as it arrives (gzip or not, a whole mail included). Reports are small
// (receivers commonly cap them at 10 MB); what a gzip decompresses to is capped separately
// (kMaxReportBytes, gzip.hpp).
inline constexpr std::size_t kMaxInputBytes = 64 * 1024 * 1024;

// "64 MiB" for whole mebibytes, else "1000 bytes": how the caps are named in messages.
std::string size_text(std::size_t bytes);

// The bytes of the file at `path`. Throws InputError `unreadable` (cannot be opened, or is a
// directory, a FIFO, a device or a socket) or `too_large` (more than max_bytes); the message
// says which, the caller names the file.
std::string read_input_file(const std::string& path, std::size_t max_bytes = kMaxInputBytes);

}  // namespace stslab::tlsrpt
