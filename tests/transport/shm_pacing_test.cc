// ShmRegion::wait with an AdaptiveSpin: arrivals teach the policy, and the
// longer spin of a busy session changes no outcome (message, timeout, abort).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "netipc/abort_signal.h"
#include "netipc/deadline.h"
#include "tests/transport/shm_test_support.h"
#include "transports/adaptive_spin.h"
#include "transports/posix/shm_region.h"

using namespace std::chrono_literals;
using netipc::AbortSignal;
using netipc::Deadline;
using netipc::Errc;
using netipc::transports::AdaptiveSpin;
using netipc::transports::AdaptiveSpinOptions;
using netipc::transports::ShmDirection;
using netipc::transports::ShmRegion;
using shm_test::message_of;
using shm_test::TempDir;

namespace {

// A policy that is busy now and would spin its whole (long) budget: any
// period up to an hour counts as busy, and the spin is capped at 50 ms.
AdaptiveSpin busy_pacing() {
    AdaptiveSpinOptions options;
    options.busy_period = std::chrono::hours(1);
    options.max_spin = 50ms;
    AdaptiveSpin pacing(options);
    const auto now = AdaptiveSpin::Clock::now();
    pacing.arrived(now - 20ms);
    pacing.arrived(now);
    return pacing;
}

} // namespace

TEST_CASE("every message a paced wait returns is an arrival", "[transport][shm][spin]") {
    const TempDir dir;
    auto region = ShmRegion::create(dir.file("svc-0000000000000001.ipcshm"), 64, 64);
    REQUIRE(region);
    AdaptiveSpinOptions options;
    options.busy_period = std::chrono::hours(1); // any two arrivals make it busy
    AdaptiveSpin pacing(options);

    std::uint64_t seen = 0;
    for (int i = 0; i < 2; ++i) {
        CHECK_FALSE(pacing.busy());
        REQUIRE(region->publish(ShmDirection::request, message_of(40, 1)));
        auto received =
            region->wait(ShmDirection::request, seen, Deadline::after(5000ms), nullptr, &pacing);
        REQUIRE(received);
        seen = received->seq;
    }
    CHECK(pacing.busy());
}

TEST_CASE("a busy wait still times out and sees aborts", "[transport][shm][spin]") {
    const TempDir dir;
    auto region = ShmRegion::create(dir.file("svc-0000000000000001.ipcshm"), 64, 64);
    REQUIRE(region);
    auto pacing = busy_pacing();
    REQUIRE(pacing.budget() == 50ms);

    SECTION("nothing published: the spin ends and the wait times out") {
        const auto result =
            region->wait(ShmDirection::request, 0, Deadline::after(20ms), nullptr, &pacing);
        REQUIRE_FALSE(result);
        CHECK(result.error() == Errc::timeout);
    }
    SECTION("an abort raised from another thread ends the wait") {
        auto abort = AbortSignal::create();
        REQUIRE(abort);
        std::thread raiser([&] { abort->raise(); });
        const auto result =
            region->wait(ShmDirection::request, 0, Deadline::never(), &*abort, &pacing);
        raiser.join();
        REQUIRE_FALSE(result);
        CHECK(result.error() == Errc::aborted);
    }
    SECTION("a message published from another thread during the spin is returned") {
        const auto sent = message_of(100, 7);
        std::thread publisher([&] { (void)region->publish(ShmDirection::request, sent); });
        const auto result =
            region->wait(ShmDirection::request, 0, Deadline::after(30000ms), nullptr, &pacing);
        publisher.join();
        REQUIRE(result);
        CHECK(std::vector<std::byte>(result->message.begin(), result->message.end()) == sent);
    }
}
