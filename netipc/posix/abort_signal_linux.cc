#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "netipc/abort_signal.h"

namespace netipc {

Result<AbortSignal> AbortSignal::create() noexcept {
    const int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0) {
        const int error = errno;
        // Name the limit reached, so an operator knows what to raise.
        if (error == EMFILE) {
            return fail(Errc::os_error,
                        "eventfd() for the abort signal failed: this process reached its "
                        "descriptor limit (RLIMIT_NOFILE)",
                        error);
        }
        return fail(Errc::os_error, "eventfd() for the abort signal failed", error);
    }
    return AbortSignal(fd);
}

void AbortSignal::reset() noexcept {
    if (handle_ >= 0) {
        ::close(handle_);
        handle_ = platform::invalid_event_handle;
    }
    raised_.store(false, std::memory_order_release);
}

void AbortSignal::raise() noexcept {
    if (handle_ < 0) {
        return; // moved-from: inert
    }
    raised_.store(true, std::memory_order_release);
    const std::uint64_t one = 1;
    // EAGAIN only when the counter is saturated: it is readable either way.
    (void)::write(handle_, &one, sizeof(one));
}

void AbortSignal::clear() noexcept {
    raised_.store(false, std::memory_order_release);
    if (handle_ < 0) {
        return; // moved-from
    }
    std::uint64_t drained = 0;
    (void)::read(handle_, &drained, sizeof(drained));
}

} // namespace netipc
