// The SIGBUS guard (netipc/posix/sigbus_guard.h) in this process: a fault
// inside a guarded mapping whose file was truncated completes on zero pages
// and poisons only that range. (What happens to every other SIGBUS is
// sigbus_guard_chain_test's: it needs processes where the guard is not yet
// installed.)
#include "netipc/posix/sigbus_guard.h"

#include <catch2/catch.hpp>

#include "tests/transport/shm_test_support.h"
#include "tests/transport/sigbus_test_support.h"

using netipc::Errc;
using netipc::posix::SigbusGuardedRange;
using shm_test::TempDir;
using sigbus_test::mapping_size;
using sigbus_test::SharedFileMapping;

TEST_CASE("a fault in a truncated guarded mapping completes on zero pages and poisons only it",
          "[posix][sigbus]") {
    const TempDir dir;
    SharedFileMapping truncated(dir.file("truncated"));
    SharedFileMapping intact(dir.file("intact"));
    REQUIRE(truncated.ok());
    REQUIRE(intact.ok());
    auto truncated_guard = SigbusGuardedRange::guard(truncated.address(), mapping_size);
    auto intact_guard = SigbusGuardedRange::guard(intact.address(), mapping_size);
    REQUIRE(truncated_guard);
    REQUIRE(intact_guard);
    truncated.bytes()[mapping_size - 1] = 7;
    intact.bytes()[mapping_size - 1] = 9;
    CHECK_FALSE(truncated_guard->poisoned());

    // Shrunk, not emptied: the first page stays, the rest is past the end.
    REQUIRE(truncated.truncate(4096));
    CHECK(truncated.bytes()[mapping_size - 1] == 0); // would be SIGBUS unguarded
    CHECK(truncated_guard->poisoned());
    truncated.bytes()[0] = 3; // writes go on working (into the zero pages)
    CHECK(truncated.bytes()[0] == 3);

    CHECK_FALSE(intact_guard->poisoned());
    CHECK(intact.bytes()[mapping_size - 1] == 9);

    // A released slot is reused unpoisoned.
    truncated_guard = SigbusGuardedRange();
    CHECK_FALSE(truncated_guard->poisoned());
}

TEST_CASE("the guard refuses empty ranges", "[posix][sigbus]") {
    CHECK(SigbusGuardedRange::guard(nullptr, 4096).error() == Errc::invalid_argument);
    int anything = 0;
    CHECK(SigbusGuardedRange::guard(&anything, 0).error() == Errc::invalid_argument);
}
