// Deadlines for every blocking call. A deadline is an absolute point on the
// monotonic clock, so a logical operation made of many waits (every chunk of
// a message, every SHM wait) shares one budget instead of restarting a
// timeout at each step.
#pragma once

#include <chrono>

namespace netipc {

class Deadline {
public:
    using Clock = std::chrono::steady_clock;

    // A deadline that never expires.
    static constexpr Deadline never() noexcept { return Deadline(Clock::time_point::max()); }
    // `timeout` from now; a zero or negative timeout is already expired.
    static Deadline after(std::chrono::milliseconds timeout) noexcept {
        return Deadline(Clock::now() + timeout);
    }
    static constexpr Deadline at(Clock::time_point when) noexcept { return Deadline(when); }

    [[nodiscard]] bool is_never() const noexcept { return when_ == Clock::time_point::max(); }
    [[nodiscard]] bool expired() const noexcept { return !is_never() && Clock::now() >= when_; }
    [[nodiscard]] Clock::time_point when() const noexcept { return when_; }

private:
    constexpr explicit Deadline(Clock::time_point when) noexcept : when_(when) {}
    Clock::time_point when_;
};

} // namespace netipc
