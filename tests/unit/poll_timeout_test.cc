// Deadlines as poll() timeouts (POSIX): rounded up, -1 for never.
#include "netipc/posix/poll_timeout.h"

#include <chrono>

#include <catch2/catch.hpp>

#include "netipc/deadline.h"

using namespace std::chrono_literals;
using netipc::Deadline;
namespace posix = netipc::posix;

TEST_CASE("a never deadline polls forever", "[os]") {
    REQUIRE(posix::poll_timeout_ms(Deadline::never()) == -1);
}

TEST_CASE("a zero deadline polls for nothing", "[os]") {
    REQUIRE(posix::poll_timeout_ms(Deadline::after(0ms)) == 0);
}

TEST_CASE("a future deadline rounds its poll timeout up", "[os]") {
    // Less than a millisecond left must poll for 1 ms, not spin with 0,
    // unless the deadline has passed by the time we ask.
    const Deadline soon = Deadline::at(Deadline::Clock::now() + 300us);
    const int soon_ms = posix::poll_timeout_ms(soon);
    REQUIRE((soon_ms == 1 || (soon_ms == 0 && soon.expired())));

    const Deadline later = Deadline::after(1h);
    REQUIRE(posix::poll_timeout_ms(later) > 3'500'000);
    REQUIRE(posix::poll_timeout_ms(later) <= 3'600'000);
}
