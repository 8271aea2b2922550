// Tests: whether every other thread of this process is asleep in a system
// call that waits (futex, poll, recv, ...), read from /proc/self/task on
// Linux. Such a thread makes or closes no descriptor until something wakes
// it, so a test that counts free descriptors (DescriptorLimit) counts them
// right only then: a server's acceptor caught inside a non-blocking accept4()
// holds a descriptor number that is free again a moment later, and the test
// would leave one descriptor more than it meant to.
#pragma once

#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <thread>

namespace netipc::testing {

namespace waiting_threads_detail {

// The system calls a thread waits in for something another thread or a peer
// does. (Not accept4(): a blocking one holds a descriptor number while it
// waits, and netipc's listeners never block in it anyway.)
inline constexpr std::array waiting_calls{
    SYS_futex,      SYS_ppoll,   SYS_pselect6, SYS_epoll_pwait, SYS_nanosleep, SYS_clock_nanosleep,
    SYS_recvfrom,   SYS_recvmsg, SYS_read,     SYS_wait4,       SYS_waitid,    SYS_rt_sigtimedwait,
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

inline std::string read_first_line(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    return line;
}

// Whether thread directory `task` (/proc/self/task/<tid>) is asleep (state S)
// in one of waiting_calls.
inline bool waits(const std::filesystem::path& task) {
    // "tid (comm) S ...": the name may hold spaces and parentheses, so the
    // state follows the last ')'.
    const std::string stat = read_first_line(task / "stat");
    const auto name_end = stat.rfind(')');
    if (name_end == std::string::npos || name_end + 2 >= stat.size() || stat[name_end + 2] != 'S') {
        return false;
    }
    // "<number> <arguments...>" inside a system call; "running" or "-1 ..."
    // otherwise.
    const std::string call = read_first_line(task / "syscall");
    long number = -1;
    try {
        number = std::stol(call);
    } catch (const std::exception&) {
        return false;
    }
    return std::ranges::find(waiting_calls, number) != waiting_calls.end();
}

} // namespace waiting_threads_detail

// True when every thread of this process but the caller is asleep in a
// waiting system call (see above); false while one runs or cannot be read.
inline bool other_threads_wait() {
    const std::string self = std::to_string(::gettid());
    std::error_code error;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", error)) {
        if (task.path().filename() != self && !waiting_threads_detail::waits(task.path())) {
            return false;
        }
    }
    return !error;
}

// Returns true once other_threads_wait(), false if that is not so within
// `bound` (a thread that keeps running: the caller reports it).
inline bool wait_until_other_threads_wait(std::chrono::milliseconds bound) {
    const auto give_up = std::chrono::steady_clock::now() + bound;
    for (;;) {
        if (other_threads_wait()) {
            return true;
        }
        if (std::chrono::steady_clock::now() >= give_up) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

} // namespace netipc::testing
