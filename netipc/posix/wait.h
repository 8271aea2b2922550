// Waiting for a descriptor with netipc's two bounds, a Deadline and an
// optional AbortSignal: the one poll() loop POSIX transports (the UDS
// transport, the TCP example) use whenever a non-blocking system call would
// block.
#pragma once

#include "netipc/abort_signal.h"
#include "netipc/deadline.h"
#include "netipc/error.h"

namespace netipc::posix {

// Whether `abort` (may be null) is raised.
inline bool raised(const AbortSignal* abort) noexcept {
    return abort != nullptr && abort->raised();
}

// Waits until `fd` reports one of `events` (POLLIN, POLLOUT), or an error
// or hang-up, which the caller's next system call turns into a precise
// error. Errc::aborted when `abort` is raised, checked before the wait too
// because the signal is sticky (and winning over a ready descriptor);
// Errc::timeout at `deadline`; Errc::os_error when poll() itself fails.
Result<void> wait_for(int fd, short events, Deadline deadline, const AbortSignal* abort);

} // namespace netipc::posix
