// Waiting for programs the adapter starts, without fixed sleeps: until a port accepts (retried on
// every change in a watched directory, else after a short growing backoff), and until a
// daemonized process exits (a pidfd).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "stslab/core/process.hpp"

namespace stslab::harness::adapters {

// True if a TCP connection to "host:port" (IPv4 literal) is accepted right now.
bool tcp_accepts(const std::string& host_port);
// True for "a.b.c.d:port" with a port of 1-65535: what a `ready: {tcp: ...}` must render to.
bool is_ipv4_port(const std::string& host_port);

// Waits until tcp_accepts(host_port), `alive()` turns false, or the deadline passes. Retries when
// a file in `watch_dirs` changes (a daemon logging its start-up) and otherwise after a backoff
// from 2 ms doubling to 100 ms. Returns true if the port accepted.
bool wait_for_tcp(const std::string& host_port, std::chrono::steady_clock::time_point deadline,
                  const std::vector<std::string>& watch_dirs, const std::function<bool()>& alive);

// The PID namespace a process is in, as readlink(/proc/<pid>/ns/pid) names it ("pid:[4026...]").
std::string pid_namespace_of(pid_t pid);

// The pid this process sees for the process that is `pid_there` inside PID namespace `pid_ns`
// (a daemon in the lab writes that number to its pid file). nullopt if there is none.
std::optional<pid_t> pid_in_namespace(const std::string& pid_ns, pid_t pid_there);

// Waiting for a process or a process group to exit: core's (process.hpp), used here for daemons.
using core::wait_for_exit;
using core::wait_for_group_exit;

// The last `lines` lines of a file ("" if it cannot be read).
std::string tail_of_file(const std::string& path, std::size_t lines = 20);

}  // namespace stslab::harness::adapters
