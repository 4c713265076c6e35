// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>; include this
// instead of it so the order of includes does not matter.
#pragma once

// clang-format off
#include <utility>
#include <boost/asio/awaitable.hpp>
// clang-format on
