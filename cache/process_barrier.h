// A process-wide memory barrier: one call that makes every thread of this
// process execute a full memory barrier. ReadMostlyLock's writer uses it so
// that readers can get away with a compiler-only fence. Platform files
// provide it (process_barrier_linux.cc: membarrier); where there is none
// (process_barrier_none.cc) readers fall back to real fences.
#pragma once

namespace netipc::cache {

// Whether process_barrier() works here. The first call does any one-time
// registration; later calls only read a flag.
bool process_barrier_available() noexcept;

// Runs the barrier; false when it could not (then the caller must fence
// itself).
bool process_barrier() noexcept;

} // namespace netipc::cache
