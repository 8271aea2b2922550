// A sticky, thread-safe abort flag that blocking calls can wait on.
//
// raise() may be called from any thread (and from a signal handler: it is one
// atomic store and one write()). Once raised, the signal stays raised until
// clear(): every blocking Level 1 call that watches it returns Errc::aborted,
// so an abort can never be lost between two calls. native_handle() is a
// descriptor that is readable exactly while the signal is raised, for
// poll()-based waits and for callers' own event loops.
#pragma once

#include <atomic>

#include "netipc/error.h"

namespace netipc {

class AbortSignal {
public:
    // Creates the signal (one eventfd). Fails with Errc::os_error on EMFILE etc.
    static Result<AbortSignal> create() noexcept;

    // Moving transfers the descriptor and the raised state; the moved-from
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
    [[nodiscard]] int native_handle() const noexcept { return fd_; }

private:
    explicit AbortSignal(int fd) noexcept : fd_(fd) {}
    void reset() noexcept;

    int fd_ = -1;
    std::atomic<bool> raised_{false};
};

} // namespace netipc
