// The Asio coroutine headers fake-https uses (internal). Boost 1.74's awaitable.hpp calls
// std::exchange without including <utility>, so <utility> must come first.
#pragma once

#include <utility>
// (keep <utility> above: clang-format would otherwise sort it after the Boost headers)
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
