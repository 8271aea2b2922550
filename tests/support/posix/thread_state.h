// Tests: whether another thread of this process sleeps in the kernel, on Linux
// (/proc/self/task/<tid>/stat). Exposed as "tests/support/platform/thread_state.h"
// for tests/support/blocked_thread.h.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace netipc::testing {

using ThreadId = pid_t;

// The calling thread's kernel id.
inline ThreadId this_thread_id() noexcept {
    return ::gettid();
}

// The state letter of thread `tid` of this process (R running or runnable,
// S asleep and interruptible, D asleep and not, ...); nothing when it
// cannot be read.
inline std::optional<char> thread_state(ThreadId tid) {
    std::ifstream file("/proc/self/task/" + std::to_string(tid) + "/stat");
    std::stringstream contents;
    contents << file.rdbuf();
    const std::string stat = contents.str();
    // "tid (comm) S ...": the command name may hold spaces and parentheses,
    // so the state follows the last ')'.
    const auto name_end = stat.rfind(')');
    if (name_end == std::string::npos || name_end + 2 >= stat.size()) {
        return std::nullopt;
    }
    return stat[name_end + 2];
}

// True when thread `tid` sleeps in the kernel (state S or D), false when it
// runs; nothing when its state cannot be read.
inline std::optional<bool> sleeps_in_kernel(ThreadId tid) {
    const auto state = thread_state(tid);
    if (!state) {
        return std::nullopt;
    }
    return *state == 'S' || *state == 'D';
}

} // namespace netipc::testing
