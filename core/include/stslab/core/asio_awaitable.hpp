// The Asio coroutine headers the fakes use, in one place. Boost 1.74's awaitable.hpp calls
// std::exchange without including <utility>, so <utility> must come first: include this instead
// of the Boost headers and the order of includes cannot be sorted wrong.
#pragma once

// clang-format off
#include <utility>
#include <boost/asio/awaitable.hpp>
// clang-format on
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
