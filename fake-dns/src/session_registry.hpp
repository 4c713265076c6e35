// The open TCP sessions of one server, so stop() can reach them (internal to fake-dns).
#pragma once

#include "stslab/core/session_set.hpp"

namespace stslab::dns::detail {

class TcpSession;
using SessionRegistry = core::SessionSet<TcpSession>;

}  // namespace stslab::dns::detail
