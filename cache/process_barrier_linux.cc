// The process-wide barrier on Linux: membarrier(PRIVATE_EXPEDITED), which
// interrupts every running thread of the process with an IPI.
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cache/process_barrier.h"

namespace netipc::cache {

namespace {

long membarrier(int command) noexcept {
    return ::syscall(__NR_membarrier, command, 0U, 0);
}

} // namespace

// Registers the process for expedited private membarriers once; false when
// the kernel (or a sandbox) does not offer them.
bool process_barrier_available() noexcept {
    static const bool ready = [] {
        const long commands = membarrier(MEMBARRIER_CMD_QUERY);
        if (commands < 0 || (commands & MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0) {
            return false;
        }
        return membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0;
    }();
    return ready;
}

bool process_barrier() noexcept {
    return membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0;
}

} // namespace netipc::cache
