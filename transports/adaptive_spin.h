// AdaptiveSpin: how long a shared-memory waiter keeps spinning before it
// sleeps in the kernel, learned from how often messages arrive.
//
// A shared-memory wait spins on the sequence number for a while, then
// sleeps (futex on Linux, an event on Windows). A sleep is cheap in CPU, but
// the wake that ends it is not cheap in time: the publisher's wake call has
// to reach a sleeping thread, and on a virtual machine whose idle vCPU has
// halted that takes tens of microseconds where a spinning peer sees the
// message in well under one. A fixed spin (the protocol's 128 tries, a few
// microseconds) is right for an idle session and wrong for a busy one: as
// soon as the peer's think time between messages exceeds it, every message
// pays for a sleep and a wake, on both sides, and the session runs at the
// speed of the wakes.
//
// So a waiter keeps a smoothed estimate of the period between the messages
// it receives in its direction. While that period is short (the session is
// busy: at most `busy_period`, 50 us by default, i.e. 20 000 messages a
// second or more), the wait keeps spinning past the fixed tries for up to a
// few periods (`periods_to_spin`, capped at `max_spin`), long enough to
// catch the next message without a sleep and without making the peer wake
// it. When the period grows past `busy_period` the waiter is back to the
// fixed spin, so an idle or lightly loaded session (1 000 or 10 000
// messages a second) spends exactly what the fixed spin spends. A single
// long pause (the session went idle) counts as a long period at once, so the
// waiter stops spinning after at most one extended spin.
//
// Spinning only pays while the peer has a CPU of its own. On an
// oversubscribed machine (more runnable threads than CPUs) the peer may be
// waiting for the very CPU this side spins on, and a long spin only delays
// it. So an extended spin that runs out without a message is a miss: the
// next waits skip the extended spin (1, then 2, 4, ... up to 256 waits after
// consecutive misses), and each message caught by an extended spin halves
// that penalty again. A machine that stays crowded thus pays one extended
// spin every few hundred messages, and gets the fixed spin's behaviour.
//
// A sleep distorts the period it ends: the wait learns of the message only
// after the kernel has woken it, tens of microseconds on a VM whose idle vCPU
// halted, and that latency is not the peer's. Measured as it is, a busy
// session whose peer takes a little longer than the fixed spin (a large
// batch to answer) sees every period inflated past `busy_period` by the
// wakes, never spins longer, and so keeps sleeping: the waiter stays in the
// slow regime it was built to leave. So the time a wait slept, up to
// `wake_allowance` (40 us, about what a wake costs on such a VM), is taken
// off the period it ends. A session at 10 000 messages a second (periods of
// 100 us) still counts as idle, and one at 1 000 (1 ms) by far.
//
// The cost is bounded: a wait spins at most `max_spin` beyond the fixed
// tries, and only while messages have been arriving at least every
// `busy_period`. Nothing of this is on the wire: the peer sees the same
// publications, and a peer that never spins long still works.
//
// Platform-neutral and clock-agnostic: callers pass the arrival times, so
// the policy is tested with made-up times. Not thread-safe: one per waiting
// thread and direction (a connection's receiver).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>

namespace netipc::transports {

struct AdaptiveSpinOptions {
    // Off: every wait uses the fixed spin only.
    bool enabled = true;
    // Messages arriving at least this often (on average) make the session
    // busy, and the waiter spins longer.
    std::chrono::nanoseconds busy_period = std::chrono::microseconds(50);
    // While busy, a wait spins up to this many average periods...
    std::uint32_t periods_to_spin = 4;
    // ...but never longer than this.
    std::chrono::nanoseconds max_spin = std::chrono::microseconds(200);
    // At most this much of a sleep is taken off the period it ends, as the
    // kernel's wake-up latency rather than the peer's time.
    std::chrono::nanoseconds wake_allowance = std::chrono::microseconds(40);
};

// Spin policies as types, for transports that take one as a template
// argument (ShmHybrid<Baseline, Pacing>): the adaptive default, and the
// protocol's fixed spin alone (for comparison, or for a host that wants the
// least CPU whatever the latency).
struct AdaptivePacing {
    static constexpr AdaptiveSpinOptions spin_options{};
};
struct FixedPacing {
    static constexpr AdaptiveSpinOptions spin_options{.enabled = false};
};

class AdaptiveSpin {
public:
    using Clock = std::chrono::steady_clock;

    AdaptiveSpin() noexcept = default;
    explicit AdaptiveSpin(AdaptiveSpinOptions options) noexcept : options_(options) {}

    // How a message was found, as the wait reports it to arrived().
    enum class Arrival {
        spinning,      // during the fixed tries (or no extended spin ran)
        extended_spin, // during the extended spin: spinning paid off
        after_sleep,   // after the wait slept
    };

    // How long the next wait should keep spinning after its fixed tries
    // before it sleeps: zero while the session is not busy, or while misses
    // are being paid for.
    [[nodiscard]] std::chrono::nanoseconds budget() const noexcept {
        if (!options_.enabled || !busy() || skips_left_ > 0) {
            return std::chrono::nanoseconds::zero();
        }
        return std::min(options_.max_spin, average_period_ * options_.periods_to_spin);
    }

    // The wait stopped spinning and sleeps from `when` on; the message that
    // ends the sleep is then reported as Arrival::after_sleep.
    void sleeping_since(Clock::time_point when) noexcept { slept_at_ = when; }

    // The extended spin ran out without a message.
    void missed() noexcept {
        penalty_ = std::min<std::uint32_t>(penalty_ == 0 ? 1 : penalty_ * 2, max_penalty);
        skips_left_ = penalty_;
    }

    // When the last message arrived (the clock's epoch before the first): a
    // time a waiter may use instead of reading the clock again.
    [[nodiscard]] Clock::time_point last_arrival() const noexcept { return last_arrival_; }

    // Whether messages have lately been arriving at least every busy_period.
    [[nodiscard]] bool busy() const noexcept {
        return seen_one_ && average_period_ <= options_.busy_period;
    }

    // Records a message that arrived at `when` (times must not go backwards;
    // a time before the previous one counts as no time at all).
    void arrived(Clock::time_point when, Arrival how = Arrival::spinning) noexcept {
        // The wake-up latency a sleep added is not the peer's time (see "A
        // sleep distorts" above); the next period starts from the real
        // arrival either way.
        Clock::duration woken_late{};
        if (how == Arrival::after_sleep && slept_at_) {
            woken_late = std::min<Clock::duration>(
                std::max(when - *slept_at_, Clock::duration::zero()), options_.wake_allowance);
        }
        slept_at_.reset();
        if (how == Arrival::extended_spin) {
            penalty_ /= 2;
        } else if (skips_left_ > 0) {
            --skips_left_; // this wait was one of the skipped ones
        }
        if (!seen_one_) {
            seen_one_ = true;
            last_arrival_ = when;
            average_period_ = idle_period();
            return;
        }
        auto period = std::max(when - last_arrival_ - woken_late, Clock::duration::zero());
        last_arrival_ = when;
        // A long pause means idle now, not after many short periods have
        // averaged it away: it replaces the estimate. Short periods are
        // averaged (weight 1/4), so one preempted message does not end a busy
        // stretch.
        if (period > options_.busy_period) {
            average_period_ = idle_period();
            return;
        }
        const auto sample = std::chrono::duration_cast<std::chrono::nanoseconds>(period);
        if (average_period_ > options_.busy_period) {
            average_period_ = sample; // the first short period after an idle one
        } else {
            average_period_ += (sample - average_period_) / 4;
        }
    }

private:
    // Any value above busy_period means "not busy".
    [[nodiscard]] std::chrono::nanoseconds idle_period() const noexcept {
        return options_.busy_period + std::chrono::nanoseconds(1);
    }

    // After this many consecutive misses' worth of doubling, the penalty
    // stops growing: one extended spin per 256 waits at most costs little.
    static constexpr std::uint32_t max_penalty = 256;

    AdaptiveSpinOptions options_{};
    std::uint32_t penalty_ = 0;    // waits to skip after the next miss, halved
    std::uint32_t skips_left_ = 0; // waits still to run without an extended spin
    bool seen_one_ = false;
    Clock::time_point last_arrival_;
    std::optional<Clock::time_point> slept_at_; // when the current wait began to sleep
    std::chrono::nanoseconds average_period_{};
};

} // namespace netipc::transports
