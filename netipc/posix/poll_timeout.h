// A Deadline as poll()'s millisecond timeout: the one place POSIX waits turn
// an absolute deadline into what the system call takes.
#pragma once

#include <chrono>
#include <limits>

#include "netipc/deadline.h"

namespace netipc::posix {

// Milliseconds left, rounded up (a wait never ends before its deadline): -1
// for a deadline that never expires, 0 once it has.
inline int poll_timeout_ms(Deadline deadline) noexcept {
    if (deadline.is_never()) {
        return -1;
    }
    const auto left = deadline.when() - Deadline::Clock::now();
    if (left <= Deadline::Clock::duration::zero()) {
        return 0;
    }
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    return ms > std::numeric_limits<int>::max() ? std::numeric_limits<int>::max()
                                                : static_cast<int>(ms);
}

} // namespace netipc::posix
