// tests/support/waiting_threads.h, which DescriptorLimit relies on to count
// free descriptors only while no other thread is making or closing one.
#include "tests/support/waiting_threads.h"

#include <atomic>
#include <chrono>
#include <latch>
#include <thread>

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using netipc::testing::other_threads_wait;
using netipc::testing::wait_until_other_threads_wait;

TEST_CASE("a thread blocked on a latch counts as waiting", "[support]") {
    std::latch release(1);
    std::jthread blocked([&] { release.wait(); });
    // Bounded only in case the helper is broken: the thread blocks at once.
    CHECK(wait_until_other_threads_wait(30s));
    CHECK(other_threads_wait());
    release.count_down();
}

TEST_CASE("a thread that runs does not count as waiting", "[support]") {
    std::atomic<bool> spinning = false;
    std::atomic<bool> stop = false;
    std::jthread runner([&] {
        spinning = true;
        while (!stop) {
        }
    });
    while (!spinning) {
    }
    // It never enters the kernel to wait from here on: whether it runs or
    // waits for a CPU, its state is R.
    CHECK_FALSE(other_threads_wait());
    CHECK_FALSE(wait_until_other_threads_wait(5ms));
    stop = true;
}

TEST_CASE("with no other thread, the process counts as waiting", "[support]") {
    CHECK(other_threads_wait());
}
