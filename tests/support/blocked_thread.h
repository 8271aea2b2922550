// Lets a helper thread act while another thread is blocked in a call (an
// abort, an interrupt or a peer close "from another thread during a wait")
// without sleeping for a guessed time: where the kernel reports that a
// thread is asleep (Linux: /proc), the helper waits for that.
//
// Waiting for that is only about coverage, never about correctness: an
// action that lands just before the wait must give the same result as one
// that lands during it (abort signals are sticky, an interrupt or a close is
// seen by every later call). So when the state cannot be read (Windows, see
// tests/support/windows/thread_state.h), or the thread never sleeps within
// `bound`, the helper simply goes ahead.
#pragma once

#include <chrono>
#include <thread>
#include <utility>

#include "tests/support/platform/thread_state.h"

namespace netipc::testing {

// Returns once thread `tid` of this process sleeps in the kernel, or at once
// when that cannot be known, or after `bound`.
inline void wait_until_blocked(ThreadId tid,
                               std::chrono::milliseconds bound = std::chrono::seconds(10)) {
    const auto give_up = std::chrono::steady_clock::now() + bound;
    while (std::chrono::steady_clock::now() < give_up) {
        const auto sleeps = sleeps_in_kernel(tid);
        if (!sleeps || *sleeps) {
            return;
        }
        std::this_thread::yield();
    }
}

// Runs `action` on a new thread once the calling thread sleeps in the kernel,
// i.e. is blocked in the call it makes next, so that call really waits for
// what `action` does. The returned thread joins when it goes out of scope.
template <class Action>
std::jthread when_blocked(Action action) {
    const ThreadId caller = this_thread_id();
    return std::jthread([caller, action = std::move(action)]() mutable {
        wait_until_blocked(caller);
        action();
    });
}

} // namespace netipc::testing
