#include "stslab/tlsrpt/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "stslab/tlsrpt/input_error.hpp"

namespace stslab::tlsrpt {
namespace {

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string kind_of_file(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

InputError errno_error(const char* what) {
  return InputError(InputErrorKind::unreadable, std::string(what) + ": " + std::strerror(errno));
}

InputError too_large(std::size_t max_bytes) {
  return InputError(InputErrorKind::too_large,
                    "larger than the " + size_text(max_bytes) + " input cap; not read");
}

}  // namespace

std::string size_text(std::size_t bytes) {
  constexpr std::size_t kMiB = 1024 * 1024;
  if (bytes >= kMiB && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  return std::to_string(bytes) + " bytes";
}

std::string read_input_file(const std::string& path, std::size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO that has no writer would otherwise wait forever (it is refused
  // below); for a regular file the flag changes nothing.
  const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) throw errno_error("cannot open");
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw errno_error("cannot stat");
  if (!S_ISREG(st.st_mode)) {
    throw InputError(InputErrorKind::unreadable,
                     kind_of_file(st.st_mode) + ", not a report file; only regular files are read");
  }
  if (static_cast<std::uintmax_t>(st.st_size) > max_bytes) throw too_large(max_bytes);
  // The size is only a hint (a file can grow while read, /proc files say 0): the loop stops
  // one byte past the cap whatever stat said.
  std::string out;
  out.resize(std::min<std::size_t>(static_cast<std::size_t>(st.st_size), max_bytes) + 1);
  std::size_t used = 0;
  for (;;) {
    if (used == out.size()) {
      if (used > max_bytes) throw too_large(max_bytes);
      out.resize(std::min(out.size() * 2, max_bytes + 1));
    }
    const ssize_t n = ::read(fd.get(), out.data() + used, out.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw errno_error("cannot read");
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  out.resize(used);
  return out;
}

}  // namespace stslab::tlsrpt
