// Scripted waits inside a session (delay before headers, trickle intervals) that stop() can cut
// short. Used only on the session's strand.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "stslab/core/asio_awaitable.hpp"
#include "tls_stream.hpp"

namespace stslab::https {

class Pacer {
 public:
  explicit Pacer(net::any_io_executor executor) : timer_(std::move(executor)) {}

  // Waits `duration`; false if the session is being closed (now or before the wait began).
  net::awaitable<bool> wait(std::chrono::milliseconds duration);
  // Ends the current wait and refuses later ones.
  void stop();
  bool stopped() const { return stopped_; }

 private:
  net::steady_timer timer_;
  bool stopped_ = false;
};

}  // namespace stslab::https
