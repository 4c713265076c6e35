// zlib's inflate with the gzip wrapper (windowBits 16 + MAX_WBITS): it checks the header, the
// CRC-32 and the length trailer (RFC 1952 §2.3), so a report cut short in transit is caught
// even when the deflate data happens to end cleanly.
#include "stslab/tlsrpt/gzip.hpp"

#include <zlib.h>

#include <array>

#include "stslab/tlsrpt/input_error.hpp"
#include "stslab/tlsrpt/input_file.hpp"

namespace stslab::tlsrpt {
namespace {

constexpr int kGzipWindowBits = 16 + MAX_WBITS;

class Inflater {
 public:
  Inflater() {
    if (inflateInit2(&z_, kGzipWindowBits) != Z_OK) throw std::bad_alloc();
  }
  ~Inflater() { inflateEnd(&z_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  z_stream* operator->() { return &z_; }
  z_stream* get() { return &z_; }

 private:
  z_stream z_{};
};

std::string zlib_message(z_stream* z, const char* fallback) {
  return z->msg ? std::string(z->msg) : std::string(fallback);
}

}  // namespace

bool has_gzip_magic(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

std::string gunzip(std::string_view bytes, std::size_t max_output) {
  if (!has_gzip_magic(bytes)) {
    throw InputError(InputErrorKind::gzip_corrupt, "not gzip: the data does not start with 1f 8b");
  }
  Inflater z;
  z->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z->avail_in = static_cast<uInt>(bytes.size());
  std::string out;
  std::array<char, 16384> buffer{};
  for (;;) {
    z->next_out = reinterpret_cast<Bytef*>(buffer.data());
    z->avail_out = static_cast<uInt>(buffer.size());
    const int rc = inflate(z.get(), Z_NO_FLUSH);
    out.append(buffer.data(), buffer.size() - z->avail_out);
    if (out.size() > max_output) {
      throw InputError(InputErrorKind::too_large, "gzip: decompresses to more than the " +
                                                      size_text(max_output) +
                                                      " cap (a gzip bomb, or not a report)");
    }
    if (rc == Z_STREAM_END) {
      // RFC 1952 §2.2: a gzip file is a series of members. Anything else after the end is
      // garbage, which we do not silently drop.
      if (z->avail_in == 0) return out;
      const std::string_view rest(reinterpret_cast<const char*>(z->next_in), z->avail_in);
      if (!has_gzip_magic(rest)) {
        throw InputError(InputErrorKind::gzip_corrupt,
                         "gzip: " + std::to_string(rest.size()) +
                             " bytes of trailing garbage after the compressed stream");
      }
      inflateReset(z.get());
      continue;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && z->avail_in == 0) {
      throw InputError(InputErrorKind::gzip_truncated,
                       "gzip: truncated: the data ends before the end of the compressed stream "
                       "(after " +
                           std::to_string(bytes.size()) + " bytes)");
    }
    throw InputError(InputErrorKind::gzip_corrupt,
                     "gzip: corrupt: " + zlib_message(z.get(), "inflate failed"));
  }
}

std::string gzip(std::string_view bytes) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    throw std::bad_alloc();
  }
  std::string out(deflateBound(&z, static_cast<uLong>(bytes.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("gzip: deflate failed");
  return out;
}

}  // namespace stslab::tlsrpt
