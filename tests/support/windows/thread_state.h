// Tests: whether another thread of this process sleeps in the kernel, on
// Windows. Exposed as "tests/support/platform/thread_state.h" for
// tests/support/blocked_thread.h.
//
// Windows has no documented per-thread wait state, and wine (where the tests
// run) reports none through the undocumented NtQuerySystemInformation either
// (measured: every thread, running or waiting, shows state 0). So the state
// is unknown, and blocked_thread.h goes ahead at once: the tests stay correct
// (an abort is sticky, an interrupt or a close is seen by every later call),
// they only cannot force the action to land during the wait.
#pragma once

#include <windows.h>

#include <optional>

namespace netipc::testing {

using ThreadId = DWORD;

inline ThreadId this_thread_id() noexcept {
    return ::GetCurrentThreadId();
}

inline std::optional<bool> sleeps_in_kernel(ThreadId /*tid*/) {
    return std::nullopt;
}

} // namespace netipc::testing
