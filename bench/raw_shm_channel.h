// The raw shared-memory ping-pong the SHM ceilings measure: what the netipc
// region does, minus everything else. Per direction a sequence number, a
// length, a futex word and a message area; the publisher writes the
// message, stores the length and the sequence (release), bumps the futex
// word and wakes it; the consumer spins 128 times with a pause hint, then
// sleeps on the futex word. It uses shared (not FUTEX_PRIVATE) futexes
// because a cross-process data plane has to, and netipc's region does.
//
// The channel is a view over a mapping its user provides: an anonymous one
// shared by two threads (bench/shm_pingpong_bench.cc) or a file mapped by
// two processes (the driver's raw-shm-ping-pong scenario).
#pragma once

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <new>
#include <thread>

namespace netipc::bench {

inline constexpr std::size_t raw_cache_line = 64;
inline constexpr std::uint32_t raw_spin_tries = 128;

// The control words of one direction, at the start of a cache line; its
// message area follows directly. With a 40-byte message, control and
// message share one cache line, which is the cheapest layout a
// shared-memory ping-pong can have.
struct RawDirection {
    std::atomic<std::uint64_t> seq{0};
    std::atomic<std::uint32_t> length{0};
    std::atomic<std::uint32_t> futex{0};
};
inline constexpr std::size_t raw_control_size = sizeof(RawDirection);
static_assert(raw_control_size == 16);
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);

// How a raw end sleeps once its spin runs out.
enum class Sleep : bool {
    // FUTEX_WAIT with a timeout: the time left until the wait's deadline.
    // The protocol's wait, and the primary ceiling.
    timed,
    // FUTEX_WAIT without a timeout: a reference, not a target.
    untimed,
};

inline constexpr int request_direction = 0;
inline constexpr int response_direction = 1;

// A request and a response direction, each a control block followed by a
// `capacity`-byte message area, each starting on its own cache line.
class RawShmChannel {
public:
    // The bytes a mapping needs for messages of up to `capacity` bytes.
    static constexpr std::size_t mapping_size(std::size_t capacity) noexcept {
        return 2 * stride(capacity);
    }

    // Over `base`: page-aligned (as mmap() returns), mapping_size(capacity)
    // bytes. The side that creates the mapping passes `fresh` to construct
    // the control words; the other side attaches to them.
    RawShmChannel(std::byte* base, std::size_t capacity, bool fresh) noexcept
        : base_(base), stride_(stride(capacity)) {
        if (fresh) {
            new (base_) RawDirection{};
            new (base_ + stride_) RawDirection{};
        }
    }

    [[nodiscard]] RawDirection& control(int direction) const noexcept {
        return *std::launder(reinterpret_cast<RawDirection*>(base_ + direction * stride_));
    }
    [[nodiscard]] std::byte* area(int direction) const noexcept {
        return base_ + direction * stride_ + raw_control_size;
    }

    // Copies `size` bytes from `message` into the direction's area and
    // publishes them. A zero size tells an echo to stop.
    void publish(int direction, const std::byte* message, std::size_t size) const noexcept {
        RawDirection& control = this->control(direction);
        if (size != 0) {
            std::memcpy(area(direction), message, size);
        }
        control.length.store(static_cast<std::uint32_t>(size), std::memory_order_release);
        control.seq.store(control.seq.load(std::memory_order_relaxed) + 1,
                          std::memory_order_release);
        control.futex.fetch_add(1, std::memory_order_release);
        (void)::syscall(SYS_futex, futex_word(control.futex), FUTEX_WAKE, 1, nullptr, nullptr, 0);
    }

    // Waits until the direction's sequence moves past `last_seen` (updated)
    // and returns the published length. `sleep` says how it sleeps; a timed
    // sleep lasts at most until `deadline`, after which it sleeps again
    // (the benchmarks never reach it).
    std::uint32_t wait(int direction, std::uint64_t& last_seen, Sleep sleep,
                       std::chrono::steady_clock::time_point deadline) const noexcept {
        RawDirection& control = this->control(direction);
        for (std::uint32_t i = 0; i < raw_spin_tries; ++i) {
            const std::uint64_t seq = control.seq.load(std::memory_order_acquire);
            if (seq != last_seen) {
                last_seen = seq;
                return control.length.load(std::memory_order_acquire);
            }
            cpu_relax();
        }
        for (;;) {
            // The futex word is read before the last sequence check, so a
            // publish in between makes FUTEX_WAIT return at once.
            const std::uint32_t signal = control.futex.load(std::memory_order_acquire);
            const std::uint64_t seq = control.seq.load(std::memory_order_acquire);
            if (seq != last_seen) {
                last_seen = seq;
                return control.length.load(std::memory_order_acquire);
            }
            timespec left{};
            const timespec* timeout = nullptr;
            if (sleep == Sleep::timed) {
                const auto remaining = std::max(deadline - std::chrono::steady_clock::now(),
                                                std::chrono::steady_clock::duration::zero());
                const auto seconds = std::chrono::floor<std::chrono::seconds>(remaining);
                left.tv_sec = static_cast<time_t>(seconds.count());
                left.tv_nsec = static_cast<long>(
                    std::chrono::duration_cast<std::chrono::nanoseconds>(remaining - seconds)
                        .count());
                timeout = &left;
            }
            (void)::syscall(SYS_futex, futex_word(control.futex), FUTEX_WAIT, signal, timeout,
                            nullptr, 0);
        }
    }

private:
    static constexpr std::size_t stride(std::size_t capacity) noexcept {
        return (raw_control_size + capacity + raw_cache_line - 1) / raw_cache_line * raw_cache_line;
    }

    // The futex word as the kernel sees it. std::atomic<std::uint32_t> is a
    // plain 32-bit word on Linux, which is what FUTEX_WAIT/FUTEX_WAKE need.
    static std::uint32_t* futex_word(std::atomic<std::uint32_t>& word) noexcept {
        static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
        return reinterpret_cast<std::uint32_t*>(&word);
    }

    static void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#else
        std::this_thread::yield();
#endif
    }

    std::byte* base_;
    std::size_t stride_;
};

} // namespace netipc::bench
