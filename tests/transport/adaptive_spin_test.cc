// The spin policy of shared-memory waits (transports/adaptive_spin.h), fed
// made-up arrival times: what it decides depends only on them.
#include "transports/adaptive_spin.h"

#include <chrono>

#include <catch2/catch.hpp>

namespace {

using netipc::transports::AdaptiveSpin;
using netipc::transports::AdaptiveSpinOptions;
using namespace std::chrono_literals;

constexpr AdaptiveSpin::Clock::time_point start{std::chrono::seconds(1000)};

// Feeds `count` arrivals `period` apart, starting after `from`; returns the
// time of the last one.
AdaptiveSpin::Clock::time_point feed(AdaptiveSpin& spin, AdaptiveSpin::Clock::time_point from,
                                     std::chrono::nanoseconds period, int count) {
    auto when = from;
    for (int i = 0; i < count; ++i) {
        when += period;
        spin.arrived(when);
    }
    return when;
}

} // namespace

TEST_CASE("a new waiter spins the fixed tries only", "[transport][shm][spin]") {
    const AdaptiveSpin spin;
    CHECK_FALSE(spin.busy());
    CHECK(spin.budget() == 0ns);
}

TEST_CASE("one message is not a rate", "[transport][shm][spin]") {
    AdaptiveSpin spin;
    spin.arrived(start);
    CHECK_FALSE(spin.busy());
    CHECK(spin.budget() == 0ns);
}

TEST_CASE("messages at 100 000 a second make the waiter spin a few periods",
          "[transport][shm][spin]") {
    AdaptiveSpin spin;
    feed(spin, start, 10us, 20);
    CHECK(spin.busy());
    CHECK(spin.budget() == 40us); // periods_to_spin (4) x 10 us
}

TEST_CASE("the extended spin never exceeds max_spin", "[transport][shm][spin]") {
    AdaptiveSpinOptions options;
    options.busy_period = 100us;
    options.max_spin = 150us;
    AdaptiveSpin spin(options);
    feed(spin, start, 90us, 5);
    REQUIRE(spin.busy());
    CHECK(spin.budget() == 150us);
}

TEST_CASE("1 000 and 10 000 messages a second keep the fixed spin", "[transport][shm][spin]") {
    for (const auto period : {1000us, 100us}) {
        AdaptiveSpin spin;
        feed(spin, start, period, 50);
        CHECK_FALSE(spin.busy());
        CHECK(spin.budget() == 0ns);
    }
}

TEST_CASE("one long pause ends a busy stretch at once", "[transport][shm][spin]") {
    AdaptiveSpin spin;
    auto when = feed(spin, start, 5us, 50);
    REQUIRE(spin.busy());
    spin.arrived(when + 2ms);
    CHECK_FALSE(spin.busy());
    CHECK(spin.budget() == 0ns);
}

TEST_CASE("one slow message inside a busy stretch does not end it", "[transport][shm][spin]") {
    AdaptiveSpin spin;
    auto when = feed(spin, start, 4us, 50);
    REQUIRE(spin.budget() == 16us);
    // A preempted peer: 40 us instead of 4, still under busy_period.
    when += 40us;
    spin.arrived(when);
    CHECK(spin.busy());
    CHECK(spin.budget() == 52us); // average 4 + (40 - 4) / 4 = 13 us, times 4
    // Back to the usual rate, the average comes back down.
    feed(spin, when, 4us, 30);
    CHECK(spin.budget() < 17us);
}

TEST_CASE("the first short period after an idle stretch makes the session busy",
          "[transport][shm][spin]") {
    AdaptiveSpin spin;
    auto when = feed(spin, start, 1ms, 3);
    REQUIRE_FALSE(spin.busy());
    spin.arrived(when + 8us);
    CHECK(spin.busy());
    CHECK(spin.budget() == 32us);
}

TEST_CASE("a time before the previous arrival counts as no time", "[transport][shm][spin]") {
    AdaptiveSpin spin;
    spin.arrived(start);
    spin.arrived(start - 1s);
    CHECK(spin.busy());
    CHECK(spin.budget() == 0ns); // a zero period: the fixed tries already cover it
}

TEST_CASE("disabled, the policy never extends the spin", "[transport][shm][spin]") {
    AdaptiveSpinOptions options;
    options.enabled = false;
    AdaptiveSpin spin(options);
    feed(spin, start, 1us, 50);
    CHECK(spin.budget() == 0ns);
}

TEST_CASE("an extended spin that misses pauses extended spins, longer after each miss",
          "[transport][shm][spin]") {
    using Arrival = AdaptiveSpin::Arrival;
    AdaptiveSpin spin;
    auto when = feed(spin, start, 10us, 20);
    REQUIRE(spin.budget() == 40us);

    // Miss 1: the next wait skips the extended spin.
    spin.missed();
    CHECK(spin.budget() == 0ns);
    when += 10us;
    spin.arrived(when, Arrival::after_sleep);
    CHECK(spin.budget() == 40us);

    // Miss 2 in a row: two waits skip it.
    spin.missed();
    for (int skipped = 0; skipped < 2; ++skipped) {
        CHECK(spin.budget() == 0ns);
        when += 10us;
        spin.arrived(when, Arrival::spinning);
    }
    CHECK(spin.budget() == 40us);

    // A catch halves the penalty: the next miss costs two waits again, not four.
    when += 10us;
    spin.arrived(when, Arrival::extended_spin);
    spin.missed();
    for (int skipped = 0; skipped < 2; ++skipped) {
        CHECK(spin.budget() == 0ns);
        when += 10us;
        spin.arrived(when);
    }
    CHECK(spin.budget() == 40us);
}

TEST_CASE("the miss penalty stops growing at 256 waits", "[transport][shm][spin]") {
    AdaptiveSpin spin;
    auto when = feed(spin, start, 10us, 20);
    for (int i = 0; i < 20; ++i) {
        spin.missed();
    }
    for (int skipped = 0; skipped < 256; ++skipped) {
        REQUIRE(spin.budget() == 0ns);
        when += 10us;
        spin.arrived(when);
    }
    CHECK(spin.budget() == 40us);
}

TEST_CASE("the last arrival is kept for waiters that would read the clock again",
          "[transport][shm][spin]") {
    AdaptiveSpin spin;
    CHECK(spin.last_arrival() == AdaptiveSpin::Clock::time_point{});
    const auto when = feed(spin, start, 10us, 3);
    CHECK(spin.last_arrival() == when);
}

namespace {

// The waits of a busy session whose peer takes a little longer than the
// fixed spin: each wait spins out 13 us after the last message, sleeps, and
// the next message (published 2 us later) wakes it 45 us after that, a VM's
// wake-up latency. Feeds `count` such messages; returns the last arrival.
AdaptiveSpin::Clock::time_point feed_slow_wakes(AdaptiveSpin& spin,
                                                AdaptiveSpin::Clock::time_point from, int count,
                                                bool report_sleeps) {
    auto when = from;
    for (int i = 0; i < count; ++i) {
        const auto slept_at = when + 13us;
        if (report_sleeps) {
            spin.sleeping_since(slept_at);
        }
        when = slept_at + 2us + 45us;
        spin.arrived(when, AdaptiveSpin::Arrival::after_sleep);
    }
    return when;
}

} // namespace

TEST_CASE("wake-up latency does not make a busy session look idle", "[transport][shm][spin]") {
    SECTION("the wake allowance is taken off a period that a sleep ended") {
        AdaptiveSpin spin;
        spin.arrived(start);
        feed_slow_wakes(spin, start, 8, true);
        // Periods of 60 us on the clock, 20 us as the policy sees them (the
        // wake allowance, 40 us, of each 47 us sleep taken off): busy, so the
        // next wait spins past the peer's 2 us instead of sleeping.
        CHECK(spin.busy());
        CHECK(spin.budget() == 80us); // periods_to_spin (4) x 20 us
    }
    SECTION("without the sleep's start the same session looks idle") {
        // What the policy saw before waits reported when they began to sleep:
        // every period inflated to 60 us by the wakes.
        AdaptiveSpin spin;
        spin.arrived(start);
        feed_slow_wakes(spin, start, 8, false);
        CHECK_FALSE(spin.busy());
        CHECK(spin.budget() == 0ns);
    }
}

TEST_CASE("a session at 10 000 messages a second stays idle despite the wake allowance",
          "[transport][shm][spin]") {
    // 10 000 messages a second: the wait sleeps from 13 us after a message
    // until the next one, 100 us after it (wake-up included).
    AdaptiveSpin spin;
    auto when = start;
    spin.arrived(when);
    for (int i = 0; i < 8; ++i) {
        spin.sleeping_since(when + 13us);
        when += 100us;
        spin.arrived(when, AdaptiveSpin::Arrival::after_sleep);
    }
    CHECK_FALSE(spin.busy());
    CHECK(spin.budget() == 0ns);
}

TEST_CASE(
    "a sleep longer than its period makes a period of zero, and the next starts at the "
    "arrival",
    "[transport][shm][spin]") {
    AdaptiveSpin spin;
    auto when = feed(spin, start, 10us, 20);
    REQUIRE(spin.budget() == 40us);
    // A sleep reported as beginning before the last arrival (a clock read
    // early, longer than the period): a period of zero, not a negative one
    // (average 10 -> 7.5 us).
    spin.sleeping_since(when - 5us);
    spin.arrived(when + 20us, AdaptiveSpin::Arrival::after_sleep);
    CHECK(spin.budget() == 30us);
    CHECK(spin.last_arrival() == when + 20us);
}
