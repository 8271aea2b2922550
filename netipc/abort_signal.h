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
    [[nodiscard]] bool raised() const noexcept { return raised_->load(std::memory_order_acquire); }
    [[nodiscard]] int native_handle() const noexcept { return fd_; }

private:
    AbortSignal(int fd, std::atomic<bool>* raised) noexcept : fd_(fd), raised_(raised) {}
    void reset() noexcept;

    int fd_ = -1;
    // Heap-allocated once so the address stays stable across moves while
    // another thread may be calling raise().
    std::atomic<bool>* raised_ = nullptr;
};

} // namespace netipc
