// Tests: looking at an AbortSignal's native handle on POSIX (an eventfd,
// readable while signalled). Exposed as "tests/support/platform/event_probe.h"
// (select() in tests/support/BUILD.bazel).
#pragma once

#include <poll.h>

#include <chrono>

#include "netipc/platform/event_handle.h"

namespace netipc::testing {

// Whether `handle` is signalled now, without consuming anything.
inline bool is_signalled(platform::EventHandle handle) {
    pollfd entry{handle, POLLIN, 0};
    return ::poll(&entry, 1, 0) == 1 && (entry.revents & POLLIN) != 0;
}

// Sleeps in the kernel until `handle` is signalled; false after `bound`.
inline bool wait_signalled(platform::EventHandle handle, std::chrono::milliseconds bound) {
    pollfd entry{handle, POLLIN, 0};
    return ::poll(&entry, 1, static_cast<int>(bound.count())) == 1;
}

} // namespace netipc::testing
