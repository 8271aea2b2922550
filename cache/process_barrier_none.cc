// Platforms without a process-wide barrier: ReadMostlyLock readers then use
// full fences (correct, slower).
#include "cache/process_barrier.h"

namespace netipc::cache {

bool process_barrier_available() noexcept {
    return false;
}

bool process_barrier() noexcept {
    return false;
}

} // namespace netipc::cache
