// A sticky, thread-safe abort flag that blocking calls can wait on.
//
// raise() may be called from any thread (and, on POSIX, from a signal
// handler: it is one atomic store and one write()). Once raised, the signal
// stays raised until clear(): every blocking call that watches it returns
// Errc::aborted, so an abort can never be lost between two calls.
//
// native_handle() is the platform's waitable object, signalled exactly while
// the signal is raised (netipc/posix/event_handle.h on Linux), for transports that wait in
// the kernel and for callers' own event loops. Its type is
// native_handle_type; generic code never assumes what it is. Transports
// that wait in user space may poll raised() instead.
#pragma once

#include <atomic>

#include "netipc/error.h"
#include "netipc/platform/event_handle.h"

namespace netipc {

class AbortSignal {
public:
    using native_handle_type = platform::EventHandle;

    // Creates the signal and its waitable handle. Fails with Errc::os_error
    // when the platform cannot make one (descriptor exhaustion, say).
    static Result<AbortSignal> create() noexcept;

    // Moving transfers the handle and the raised state; the moved-from
    // signal is inert (never raised, raise() does nothing visible). Like any
    // object it must not be moved while another thread uses it.
    AbortSignal(AbortSignal&& other) noexcept;
    AbortSignal& operator=(AbortSignal&& other) noexcept;
    AbortSignal(const AbortSignal&) = delete;
    AbortSignal& operator=(const AbortSignal&) = delete;
    ~AbortSignal();

    void raise() noexcept;
    // Lowers the signal. Call it when no raise() can be in flight (e.g. from
    // the thread that owns the client, before its next call): a raise()
    // racing with clear() may be lost.
    void clear() noexcept;
    [[nodiscard]] bool raised() const noexcept { return raised_.load(std::memory_order_acquire); }
    [[nodiscard]] native_handle_type native_handle() const noexcept { return handle_; }

private:
    explicit AbortSignal(native_handle_type handle) noexcept : handle_(handle) {}
    void reset() noexcept;

    native_handle_type handle_ = platform::invalid_event_handle;
    std::atomic<bool> raised_{false};
};

} // namespace netipc
