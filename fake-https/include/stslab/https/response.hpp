// What a route answers, as plain data: status, headers, body, and the misbehaviours a policy host
// can be scripted with (delay, trickle, mid-body close, oversized body). The server turns this
// into bytes on the wire; nothing here does I/O.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace stslab::https {

// Send the body in pieces of `chunk_bytes`, waiting `interval` between pieces (a slow server).
struct Trickle {
  std::size_t chunk_bytes = 0;  // 0 = no trickle: the body goes out as fast as the socket takes it
  std::chrono::milliseconds interval{0};
};

struct Response {
  unsigned status = 200;
  // Sent as given, in this order (duplicates allowed). Nothing is added except Content-Length,
  // Location (from `location`) and Connection: close; a scripted Content-Length wins over ours.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string location;                // non-empty: sent as a Location header (redirects)
  std::chrono::milliseconds delay{0};  // wait this long before sending the status line
  Trickle trickle;
  // Close the connection (close_notify, then TCP close) after this many body bytes, so the
  // client sees a short body against the announced Content-Length.
  std::optional<std::size_t> close_after_body_bytes;
  // Append this many filler bytes to `body` (lines of 'x'), generated while sending, so a huge
  // "oversized policy" costs no memory. Content-Length counts them.
  std::size_t filler_bytes = 0;
  bool close_connection = false;  // answer with Connection: close and end the connection

  std::size_t content_length() const { return body.size() + filler_bytes; }

  // The usual shapes.
  static Response text(std::string body, std::string content_type = "text/plain");
  static Response with_status(unsigned status, std::string body = {});
  static Response redirect(unsigned status, std::string location);
};

// A path that accepts POST and keeps what was posted (TLS-RPT reports over https).
struct PostSink {
  std::size_t max_body_bytes = 1024 * 1024;  // larger bodies get 413 and are not kept
  Response reply = Response::with_status(200);
};

}  // namespace stslab::https
