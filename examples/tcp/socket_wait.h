// Waiting for a descriptor with netipc's two bounds: a Deadline and an
// optional AbortSignal. Everything in the TCP example that can block (a
// receive, a send that found the buffer full, accept, connect) does its
// system call without blocking and, when it would block, waits here.
#pragma once

#include "netipc/abort_signal.h"
#include "netipc/deadline.h"
#include "netipc/error.h"

namespace netipc::examples {

// Waits until `fd` reports one of `events` (POLLIN, POLLOUT), or an error
// or hang-up, which the caller's next system call turns into a precise
// error. Errc::aborted when `abort` (may be null) is raised, checked before
// the wait too because the signal is sticky; Errc::timeout at `deadline`.
Result<void> wait_for(int fd, short events, Deadline deadline, const AbortSignal* abort);

inline bool raised(const AbortSignal* abort) noexcept {
    return abort != nullptr && abort->raised();
}

} // namespace netipc::examples
