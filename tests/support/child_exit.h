// Ending a forked test child so that what it ran still counts.
//
// A forked child must leave with _exit(): exit() would run the parent's
// atexit handlers and flush its stdio buffers a second time. But _exit()
// skips gcov's own exit hook too, so in a coverage build (--config=
// coverage_gcov, ./run-tests step 1) the library code a child ran, such as
// the SIGBUS guard's chaining, would count as never run. exit_child()
// writes the child's coverage counters first when the binary carries them.
#pragma once

#include <unistd.h>

// libgcov's "write the counters now"; present only in binaries built with
// --coverage, hence weak: its address is null everywhere else.
extern "C" void __gcov_dump(void) __attribute__((weak)); // NOLINT(bugprone-reserved-identifier)

namespace netipc::testing {

// Writes coverage counters (coverage builds only), then _exit(code).
// Async-signal-safe apart from the counter write, which only coverage
// builds make, in a child that is about to end anyway.
[[noreturn]] inline void exit_child(int code) noexcept {
    if (__gcov_dump != nullptr) {
        __gcov_dump();
    }
    ::_exit(code);
}

} // namespace netipc::testing
