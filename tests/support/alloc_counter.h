// Counts heap allocations made anywhere in a test binary that links
// //tests/support:alloc_counter (it replaces the global operator new/delete).
// Used to prove that hot paths allocate nothing after warm-up.
#pragma once

#include <cstdint>

namespace netipc::testing {

// Allocations through any form of operator new since the process started.
std::uint64_t heap_allocations() noexcept;

} // namespace netipc::testing
