// The two clocks a measurement reads: wall time (CLOCK_MONOTONIC) and this
// process's CPU time (all threads), both in nanoseconds.
#pragma once

#include <cstdint>
#include <ctime>

namespace netipc::bench::driver {

inline std::uint64_t to_ns(const timespec& time) noexcept {
    return static_cast<std::uint64_t>(time.tv_sec) * 1'000'000'000ULL
           + static_cast<std::uint64_t>(time.tv_nsec);
}

inline std::uint64_t wall_ns() noexcept {
    timespec now{};
    (void)::clock_gettime(CLOCK_MONOTONIC, &now);
    return to_ns(now);
}

inline std::uint64_t process_cpu_ns() noexcept {
    timespec used{};
    (void)::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &used);
    return to_ns(used);
}

} // namespace netipc::bench::driver
