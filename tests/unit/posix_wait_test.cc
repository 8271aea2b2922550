// The POSIX pieces under the abort signal and every descriptor wait: the
// eventfd behind AbortSignal when descriptors run out, and posix::wait_for
// with a signal already raised or with poll() itself failing.
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include "netipc/abort_signal.h"
#include "netipc/deadline.h"
#include "netipc/posix/wait.h"
#include "tests/support/resource_limit.h"

using namespace std::chrono_literals;
using netipc::AbortSignal;
using netipc::Deadline;
using netipc::Errc;
using netipc::testing::DescriptorLimit;

TEST_CASE("an abort signal that cannot get a descriptor names the limit", "[os]") {
    // No Catch assertion while the limit is in place (see DescriptorLimit).
    bool limited = false;
    const auto refused = [&limited] {
        const DescriptorLimit none_left;
        limited = none_left.active();
        return AbortSignal::create();
    }();
    REQUIRE(limited);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error() == Errc::os_error);
    CHECK(refused.error().sys_errno == EMFILE);
    CHECK_THAT(std::string(refused.error().detail), Catch::Contains("RLIMIT_NOFILE"));
    // With descriptors back, it works again.
    CHECK(AbortSignal::create().has_value());
}

TEST_CASE("a wait with its abort signal already raised ends at once as aborted", "[os]") {
    std::array<int, 2> pair{};
    REQUIRE(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair.data()) == 0);
    auto signal = AbortSignal::create();
    REQUIRE(signal.has_value());
    signal->raise();
    // Nothing will ever arrive on pair[0]: only the signal can end the wait.
    const auto waited = netipc::posix::wait_for(pair[0], POLLIN, Deadline::never(), &*signal);
    REQUIRE_FALSE(waited.has_value());
    CHECK(waited.error() == Errc::aborted);
    ::close(pair[0]);
    ::close(pair[1]);
}

TEST_CASE("a wait whose poll() fails is an OS error naming poll(), not a timeout", "[os]") {
    std::array<int, 2> pair{};
    REQUIRE(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair.data()) == 0);
    // poll() refuses (EINVAL) more entries than RLIMIT_NOFILE allows; with
    // the limit at zero even one entry is too many. No Catch assertion while
    // the limit is in place (see the first test).
    bool limited = false;
    const auto waited = [&] {
        const netipc::testing::ResourceLimit no_descriptors(RLIMIT_NOFILE, 0);
        limited = no_descriptors.active();
        return netipc::posix::wait_for(pair[0], POLLIN, Deadline::after(30s), nullptr);
    }();
    REQUIRE(limited);
    REQUIRE_FALSE(waited.has_value());
    CHECK(waited.error() == Errc::os_error);
    CHECK(waited.error().sys_errno == EINVAL);
    CHECK_THAT(std::string(waited.error().detail), Catch::Contains("poll() failed"));
    // With the limit back, the same wait sees the peer's packet.
    REQUIRE(::send(pair[1], "x", 1, 0) == 1);
    CHECK(netipc::posix::wait_for(pair[0], POLLIN, Deadline::after(30s), nullptr).has_value());
    ::close(pair[0]);
    ::close(pair[1]);
}
