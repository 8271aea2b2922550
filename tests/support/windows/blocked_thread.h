// Lets a helper thread act while another thread is blocked in a call: the
// Windows counterpart of tests/support/posix/blocked_thread.h, with the same
// interface, seen as "tests/support/blocked_thread.h".
//
// Windows offers no cheap, portable way (and wine no faithful one) to ask
// whether another thread sleeps in the kernel, so wait_until_blocked()
// goes ahead at once. That is the documented fallback of the POSIX helper
// too: the tests that use it are correct whichever comes first (abort
// signals are sticky, an interrupt or a close is seen by every later call);
// only the share of runs that exercise the "during the wait" order is lower.
#pragma once

#include <chrono>
#include <thread>
#include <utility>

namespace netipc::testing {

using ThreadId = std::thread::id;

inline ThreadId this_thread_id() noexcept {
    return std::this_thread::get_id();
}

inline void wait_until_blocked(ThreadId /*tid*/,
                               std::chrono::milliseconds /*bound*/ = std::chrono::seconds(10)) {}

// Runs `action` on a new thread; see the POSIX helper for what it is for.
template <class Action>
std::jthread when_blocked(Action action) {
    return std::jthread([action = std::move(action)]() mutable { action(); });
}

} // namespace netipc::testing
