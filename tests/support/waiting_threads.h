// Tests: whether every other thread of this process is asleep in a system
// call that waits (futex, poll, recv, ...), read from /proc/self/task on
// Linux. Such a thread makes or closes no descriptor until something wakes
// it, so a test that counts free descriptors (DescriptorLimit) counts them
// right only then: a server's acceptor caught inside a non-blocking accept4()
// holds a descriptor number that is free again a moment later, and the test
// would leave one descriptor more than it meant to.
//
// This is a snapshot. It stays true only while nothing wakes those threads:
// a test relying on it keeps them waiting on what only the test itself
// does next (a connect, a latch, poll() without a timeout), not on a
// timeout that could end while the test counts.
#pragma once

#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>
#include <thread>

#include "tests/support/platform/thread_state.h"

namespace netipc::testing {

namespace waiting_threads_detail {

// The system calls a thread waits in for something another thread or a peer
// does. restart_syscall: a timed wait (futex, poll, nanosleep) resumed after
// the process was stopped and continued (a debugger, strace, a freezer).
// Not accept4(): a blocking one holds a descriptor number while it waits
// (netipc's listeners are non-blocking and never wait in it).
inline constexpr std::array waiting_calls{
    SYS_futex,
    SYS_ppoll,
    SYS_pselect6,
    SYS_epoll_pwait,
    SYS_nanosleep,
    SYS_clock_nanosleep,
    SYS_recvfrom,
    SYS_recvmsg,
    SYS_read,
    SYS_wait4,
    SYS_waitid,
    SYS_rt_sigtimedwait,
    SYS_restart_syscall,
#ifdef SYS_poll
    SYS_poll,
#endif
#ifdef SYS_select
    SYS_select,
#endif
#ifdef SYS_epoll_wait
    SYS_epoll_wait,
#endif
};

// The system call thread `tid` is in: its number, -1 when it is in none
// (it runs user code, or "running": it is on a CPU right now); nothing
// when /proc does not say (some sandboxes have no .../syscall).
inline std::optional<long> current_call(pid_t tid) {
    std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/syscall");
    std::string first;
    if (!(in >> first)) {
        return std::nullopt;
    }
    if (first == "running") {
        return -1;
    }
    try {
        return std::stol(first);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

} // namespace waiting_threads_detail

// True when every thread of this process but the caller is asleep (state S)
// in one of the waiting calls above, false while one is not; nothing when a
// thread's state or system call cannot be read here at all.
inline std::optional<bool> other_threads_wait() {
    using namespace waiting_threads_detail;
    const pid_t self = ::gettid();
    std::error_code error;
    bool all_wait = true;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", error)) {
        pid_t tid = 0;
        try {
            tid = static_cast<pid_t>(std::stol(task.path().filename().string()));
        } catch (const std::exception&) {
            return std::nullopt;
        }
        if (tid == self) {
            continue;
        }
        const auto state = thread_state(tid);
        const auto call = current_call(tid);
        if (!state || !call) {
            // A thread that ended since the directory was read has no
            // files left: that says nothing about /proc itself.
            if (std::filesystem::exists(task.path())) {
                return std::nullopt;
            }
            continue;
        }
        if (*state != 'S' || std::ranges::find(waiting_calls, *call) == waiting_calls.end()) {
            all_wait = false;
        }
    }
    if (error) {
        return std::nullopt;
    }
    return all_wait;
}

// Waits until other_threads_wait() is true: true then, false if it is not
// within `bound` (a thread that keeps running), nothing at once if it
// cannot be known.
inline std::optional<bool> wait_until_other_threads_wait(std::chrono::milliseconds bound) {
    const auto give_up = std::chrono::steady_clock::now() + bound;
    for (;;) {
        const auto waiting = other_threads_wait();
        if (!waiting || *waiting || std::chrono::steady_clock::now() >= give_up) {
            return waiting;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

} // namespace netipc::testing
