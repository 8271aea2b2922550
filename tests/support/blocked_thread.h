// Lets a helper thread act while another thread is blocked in a call (an
// abort, an interrupt or a peer close "from another thread during a wait")
// without sleeping for a guessed time: on Linux the kernel reports when a
// thread is asleep, in /proc/self/task/<tid>/stat.
//
// Waiting for that is only about coverage, never about correctness: an
// action that lands just before the wait must give the same result as one
// that lands during it (abort signals are sticky, an interrupt or a close is
// seen by every later call). So when the state cannot be read, or the
// thread never sleeps within `bound`, the helper simply goes ahead.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>

namespace netipc::testing {

// The calling thread's kernel id, to hand to wait_until_blocked().
inline pid_t this_thread_id() noexcept {
    return ::gettid();
}

// Returns once thread `tid` of this process sleeps in the kernel (state S or
// D), or after `bound`.
inline void wait_until_blocked(pid_t tid,
                               std::chrono::milliseconds bound = std::chrono::seconds(10)) {
    const std::string path = "/proc/self/task/" + std::to_string(tid) + "/stat";
    const auto give_up = std::chrono::steady_clock::now() + bound;
    while (std::chrono::steady_clock::now() < give_up) {
        std::ifstream file(path);
        std::stringstream contents;
        contents << file.rdbuf();
        const std::string stat = contents.str();
        // "tid (comm) S ...": the command name may hold spaces and
        // parentheses, so the state follows the last ')'.
        const auto name_end = stat.rfind(')');
        if (name_end == std::string::npos || name_end + 2 >= stat.size()) {
            return; // no /proc here: go ahead
        }
        const char state = stat[name_end + 2];
        if (state == 'S' || state == 'D') {
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
    const pid_t caller = this_thread_id();
    return std::jthread([caller, action = std::move(action)]() mutable {
        wait_until_blocked(caller);
        action();
    });
}

} // namespace netipc::testing
