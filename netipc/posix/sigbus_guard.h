// A process-wide SIGBUS guard for shared file mappings (Linux).
//
// Why: a process touching a page of a shared file mapping beyond the file's
// current end gets SIGBUS, whose default action kills it. Any process that
// may write the run directory can truncate an SHM region under a live
// session (`truncate -s 0`, a cleanup script, a full tmpfs). Checking the
// file size first is not enough: the file can shrink between the check and
// the access. So the access itself must be made survivable.
//
// How: a mapping registers its address range here (SigbusGuardedRange). The
// first registration installs a SIGBUS handler (SA_SIGINFO, SA_ONSTACK) and
// remembers the handler it replaces. On a fault whose address lies inside a
// registered range, the handler maps anonymous zero pages over the whole
// range (MAP_FIXED), so the faulting access completes (reads see zeros,
// writes go nowhere), and marks the range poisoned. Code that touched the
// range then asks poisoned() and ends what used the mapping (an SHM session
// fails with Errc::disconnected) while the process and its other mappings
// go on. Every other SIGBUS (outside all ranges, or sent with kill()) goes
// to the previous handler; when that was the default action, the default
// action is restored and happens as it would have without the guard.
//
// The handler is async-signal-safe: the ranges live in a fixed-size table of
// lock-free atomics, and it makes only raw system calls (mmap, sigaction,
// raise). Registration and release never allocate.
//
// Coexistence: a host application that installs its own SIGBUS handler
// BEFORE the first registration is chained to. One that installs a handler
// AFTER it replaces the guard; such a handler must chain to the one
// sigaction() hands back to it, as handlers conventionally do, or mapped
// regions lose their protection.
#pragma once

#include <cstddef>
#include <cstdint>

#include "netipc/error.h"

namespace netipc::posix {

// Ranges guarded at once in one process. A registration beyond it fails
// (Errc::limit_exceeded): a caller then does not use the mapping.
inline constexpr std::size_t sigbus_guard_capacity = 1024;

// The registration of one mapped range. Movable; releasing it (destruction,
// assignment) ends the guard, so release it before the range is unmapped.
class SigbusGuardedRange {
public:
    // Guards [begin, begin + length), which must be a whole mapping made by
    // mmap (page-aligned begin). Installs the handler on first use.
    // Errors: Errc::invalid_argument (null or empty range),
    // Errc::limit_exceeded (sigbus_guard_capacity ranges already guarded),
    // Errc::os_error (the handler could not be installed).
    static Result<SigbusGuardedRange> guard(void* begin, std::size_t length) noexcept;

    // Guards nothing; poisoned() is false.
    SigbusGuardedRange() noexcept = default;
    SigbusGuardedRange(SigbusGuardedRange&& other) noexcept;
    SigbusGuardedRange& operator=(SigbusGuardedRange&& other) noexcept;
    SigbusGuardedRange(const SigbusGuardedRange&) = delete;
    SigbusGuardedRange& operator=(const SigbusGuardedRange&) = delete;
    ~SigbusGuardedRange();

    // True once a SIGBUS inside the range replaced it with zero pages: what
    // the mapping showed is gone. Cheap (one atomic load): ask it after every
    // access whose result matters.
    [[nodiscard]] bool poisoned() const noexcept;

private:
    explicit SigbusGuardedRange(std::size_t slot) noexcept : slot_(slot) {}
    void release() noexcept;

    static constexpr std::size_t no_slot = sigbus_guard_capacity;
    std::size_t slot_ = no_slot;
};

} // namespace netipc::posix
