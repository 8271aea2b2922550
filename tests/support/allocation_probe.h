// Measures heap allocations across many INCREMENT round trips on a session,
// after a warm-up that lets buffers reach their working size. Needs
// //tests/support:alloc_counter linked into the test.
#pragma once

#include <cstdint>

#include "netipc/deadline.h"
#include "tests/support/alloc_counter.h"

namespace netipc::testing {

struct AllocationProbe {
    std::uint64_t allocations_before = 0; // > 0 shows the counter is live
    std::uint64_t allocations_during = 0; // what the measured calls allocated
    std::uint64_t final_value = 0;        // warm_up + measured when every call worked
    bool all_calls_ok = true;
};

// Calls session.call(value) warm_up times, then `measured` times while
// counting allocations; each call increments the value.
template <class IncrementSession>
AllocationProbe probe_allocations(IncrementSession& session, int warm_up, int measured,
                                  Deadline deadline) {
    AllocationProbe probe;
    std::uint64_t value = 0;
    const auto step = [&] {
        auto answer = session.call(value, deadline);
        probe.all_calls_ok = probe.all_calls_ok && answer.has_value();
        value = answer ? answer->value : value;
    };
    for (int i = 0; i < warm_up; ++i) {
        step();
    }
    probe.allocations_before = heap_allocations();
    for (int i = 0; i < measured; ++i) {
        step();
    }
    probe.allocations_during = heap_allocations() - probe.allocations_before;
    probe.final_value = value;
    return probe;
}

} // namespace netipc::testing
