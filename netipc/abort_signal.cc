// The platform-neutral part of AbortSignal: ownership of the handle. Creating,
// raising, clearing and releasing the handle are per platform
// (posix/abort_signal_linux.cc, windows/abort_signal_windows.cc).
#include "netipc/abort_signal.h"

#include <utility>

namespace netipc {

AbortSignal::AbortSignal(AbortSignal&& other) noexcept
    : handle_(std::exchange(other.handle_, platform::invalid_event_handle)),
      raised_(other.raised_.exchange(false, std::memory_order_acq_rel)) {}

AbortSignal& AbortSignal::operator=(AbortSignal&& other) noexcept {
    if (this != &other) {
        reset();
        handle_ = std::exchange(other.handle_, platform::invalid_event_handle);
        raised_.store(other.raised_.exchange(false, std::memory_order_acq_rel),
                      std::memory_order_release);
    }
    return *this;
}

AbortSignal::~AbortSignal() {
    reset();
}

} // namespace netipc
