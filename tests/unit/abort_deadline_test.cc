// Deadline arithmetic and the sticky, waitable AbortSignal, on every platform
// (the handle is looked at through tests/support/platform/event_probe.h).
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "netipc/abort_signal.h"
#include "netipc/deadline.h"
#include "tests/support/platform/event_probe.h"

using namespace std::chrono_literals;
using netipc::AbortSignal;
using netipc::Deadline;
using netipc::testing::is_signalled;
using netipc::testing::wait_signalled;

TEST_CASE("a never deadline never expires", "[os]") {
    const Deadline deadline = Deadline::never();
    REQUIRE(deadline.is_never());
    REQUIRE_FALSE(deadline.expired());
}

TEST_CASE("a zero deadline is already expired", "[os]") {
    REQUIRE(Deadline::after(0ms).expired());
}

TEST_CASE("a deadline an hour away has not expired", "[os]") {
    REQUIRE_FALSE(Deadline::after(1h).expired());
}

TEST_CASE("an abort signal is sticky and signalled until cleared", "[os]") {
    auto signal = AbortSignal::create();
    REQUIRE(signal.has_value());
    REQUIRE_FALSE(signal->raised());
    REQUIRE_FALSE(is_signalled(signal->native_handle()));

    signal->raise();
    signal->raise(); // raising twice is harmless
    REQUIRE(signal->raised());
    REQUIRE(is_signalled(signal->native_handle()));
    REQUIRE(is_signalled(signal->native_handle())); // looking does not consume it

    signal->clear();
    REQUIRE_FALSE(signal->raised());
    REQUIRE_FALSE(is_signalled(signal->native_handle()));
}

TEST_CASE("an abort raised from another thread wakes a waiter", "[os]") {
    auto signal = AbortSignal::create();
    REQUIRE(signal.has_value());
    std::thread raiser([&] { signal->raise(); });
    REQUIRE(wait_signalled(signal->native_handle(), 10s));
    raiser.join();
    REQUIRE(signal->raised());
}

TEST_CASE("a moved abort signal keeps its state and handle", "[os]") {
    auto created = AbortSignal::create();
    REQUIRE(created.has_value());
    const AbortSignal::native_handle_type handle = created->native_handle();
    created->raise();
    AbortSignal moved = std::move(*created);
    REQUIRE(moved.native_handle() == handle);
    REQUIRE(moved.raised());
    AbortSignal assigned = std::move(moved);
    REQUIRE(assigned.raised());
    REQUIRE(is_signalled(assigned.native_handle()));
}

TEST_CASE("assigning a signal over another releases the old one and takes the state", "[os]") {
    auto source = AbortSignal::create();
    auto target = AbortSignal::create();
    REQUIRE(source.has_value());
    REQUIRE(target.has_value());
    const auto source_handle = source->native_handle();
    source->raise();
    *target = std::move(*source);
    CHECK(target->native_handle() == source_handle);
    CHECK(target->raised());
    CHECK(is_signalled(target->native_handle()));
    // NOLINTNEXTLINE(bugprone-use-after-move): the moved-from state is what is checked
    CHECK(source->native_handle() == netipc::platform::invalid_event_handle);

    // Assigning a signal to itself keeps it whole.
    AbortSignal& same = *target;
    *target = std::move(same);
    CHECK(target->native_handle() == source_handle);
    CHECK(target->raised());
}

TEST_CASE("a moved-from abort signal is inert, not a crash", "[os]") {
    auto created = AbortSignal::create();
    REQUIRE(created.has_value());
    AbortSignal moved = std::move(*created);
    // NOLINTBEGIN(bugprone-use-after-move): exercising the moved-from state on purpose
    created->raise();
    CHECK_FALSE(created->raised());
    created->clear();
    CHECK(created->native_handle() == netipc::platform::invalid_event_handle);
    // NOLINTEND(bugprone-use-after-move)
    CHECK_FALSE(moved.raised());
    moved.raise();
    CHECK(moved.raised());
}
