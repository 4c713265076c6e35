#include "pacer.hpp"

namespace stslab::https {

net::awaitable<bool> Pacer::wait(std::chrono::milliseconds duration) {
  if (stopped_) co_return false;
  if (duration.count() <= 0) co_return true;
  timer_.expires_after(duration);
  boost::system::error_code ec;
  co_await timer_.async_wait(net::redirect_error(net::use_awaitable, ec));
  co_return !stopped_ && !ec;
}

void Pacer::stop() {
  stopped_ = true;
  timer_.cancel();
}

}  // namespace stslab::https
