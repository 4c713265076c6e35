// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>; include this
// instead of <boost/asio/awaitable.hpp> so the order cannot be sorted away.
#pragma once

// clang-format off
#include <utility>
#include <boost/asio/awaitable.hpp>
// clang-format on
