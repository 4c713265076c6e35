// Puts a scripted Response on the wire: optional delay, the header through Beast's serializer,
// then the body (scripted text plus generated filler), trickled or cut short as scripted.
#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string>

#include "pacer.hpp"
#include "stslab/core/asio_awaitable.hpp"
#include "stslab/https/response.hpp"
#include "tls_stream.hpp"

namespace stslab::https {

struct WriteOutcome {
  bool header_sent = false;
  std::size_t body_bytes_sent = 0;
  bool completed = false;  // everything scripted went out
  bool cut_short = false;  // stopped after close_after_body_bytes on purpose
  std::string error;       // why writing failed ("" if it did not)
};

struct WriteParams {
  bool keep_alive = true;     // false: announce Connection: close
  bool head_request = false;  // HEAD: the header only, never body bytes
  std::chrono::milliseconds write_timeout{30'000};
};

net::awaitable<WriteOutcome> write_response(TlsStream& stream, Pacer& pacer,
                                            const Response& response, WriteParams params);

// Fills `out` with the body bytes starting at `offset` (scripted body, then filler lines).
void body_bytes_at(const Response& response, std::size_t offset, std::span<char> out);

}  // namespace stslab::https
