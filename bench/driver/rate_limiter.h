// Paces requests at target_rps by an absolute schedule: request k is due at
// start + k / target_rps. Sleeping a fixed interval after each request would
// add every request's own duration to the period and fall short of the
// target; an absolute schedule does not drift, and after a stall it sends
// the late requests at once until it is back on schedule. target_rps 0 never
// waits.
#pragma once

#include <cstdint>
#include <ctime>

#include "bench/driver/clock.h"

namespace netipc::bench::driver {

class RateLimiter {
public:
    RateLimiter(std::uint64_t target_rps, std::uint64_t start_ns) noexcept
        : interval_ns_(target_rps == 0 ? 0 : 1'000'000'000ULL / target_rps), next_ns_(start_ns) {}

    // Sleeps until the next request is due (not at all when it is already).
    void wait() noexcept {
        if (interval_ns_ == 0) {
            return;
        }
        if (wall_ns() < next_ns_) {
            const timespec due{static_cast<time_t>(next_ns_ / 1'000'000'000ULL),
                               static_cast<long>(next_ns_ % 1'000'000'000ULL)};
            // EINTR only cuts a sleep short: the request then goes early by
            // the rest of one interval at most, once.
            (void)::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, nullptr);
        }
        next_ns_ += interval_ns_;
    }

private:
    std::uint64_t interval_ns_;
    std::uint64_t next_ns_;
};

} // namespace netipc::bench::driver
