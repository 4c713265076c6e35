// Ctrl-C and friends, in one place: the termination signals (INT, TERM, HUP) are blocked in
// every thread (children get a clean mask from core::spawn) and taken by one thread of their
// own, which runs the teardown it was given once and exits with 128 + the signal. A signal that
// arrives between blocking and the thread's start stays pending and is taken by it.
#pragma once

#include <functional>
#include <string>

namespace stslab::harness {

// Blocks the termination signals in the calling thread and the threads it starts after.
void block_termination_signals();

// Blocks them (if not yet) and starts the thread that, on the first one, says so on stderr
// (naming `who`), runs `teardown(signal)` and calls _exit(128 + signal). Call once per process.
void on_termination(const char* who, std::function<void(int signal)> teardown);

// For a teardown: removes `dir` now and once more after this process has exited. Until the
// signal thread's _exit the other threads run on and may write into it again (a sender's state
// directory), so a helper started here (/bin/sh, outside the lab's PID namespace) waits for
// this process to be gone and removes what was written after.
void remove_after_exit(const std::string& dir);

// True once a termination signal was taken (the teardown runs or has run).
bool termination_requested();

// Once interrupted, the signal thread owns the exit: whatever the main thread was doing fails
// as the lab dies under it, and must not exit first with a misleading status. Returns `rc` if
// no signal was taken; otherwise waits for the signal thread's _exit.
int exit_status(int rc);

}  // namespace stslab::harness
