// Tests: looking at an AbortSignal's native handle on Windows (a manual-reset
// event). Exposed as "tests/support/platform/event_probe.h" (select() in
// tests/support/BUILD.bazel).
#pragma once

#include <windows.h>

#include <chrono>

#include "netipc/platform/event_handle.h"

namespace netipc::testing {

// Whether `handle` is signalled now (waiting on a manual-reset event does
// not reset it).
inline bool is_signalled(platform::EventHandle handle) {
    return ::WaitForSingleObject(handle, 0) == WAIT_OBJECT_0;
}

// Sleeps in the kernel until `handle` is signalled; false after `bound`.
inline bool wait_signalled(platform::EventHandle handle, std::chrono::milliseconds bound) {
    return ::WaitForSingleObject(handle, static_cast<DWORD>(bound.count())) == WAIT_OBJECT_0;
}

} // namespace netipc::testing
