// ReadMostlyLock: a reader/writer lock for data read in hot paths and
// rewritten rarely (a Level 3 snapshot cache: millions of lookups per
// refresh).
//
// Why not std::shared_mutex: every shared lock and unlock there is an
// atomic read-modify-write on one shared word, about as costly as the hash
// lookup it protects, and the cache line bounces between reader threads. On
// glibc it also prefers readers, so overlapping readers can keep a writer
// out forever.
//
// How: each reader thread owns a slot (one cache line) and marks itself
// inside with a plain store; no read-modify-write, no shared line. The
// writer announces itself, then runs a process-wide barrier (membarrier on
// Linux: cache/process_barrier.h), a full memory barrier on every thread of
// the process, and waits for
// every slot to drain. This is the asymmetric (Dekker-style) handshake:
// either a reader sees the writer's flag and steps back, or the writer sees
// the reader's slot and waits for it. Readers pay almost nothing; a writer
// pays one system call and a scan of the slots.
//
// Properties:
//   - a writer gets in as soon as the readers already inside leave (new
//     readers wait behind it), so it is never starved;
//   - a reader thread may nest shared locks on the same lock;
//   - the first `reader_slots` concurrently live reader threads get slots;
//     any further thread falls back to a shared counter (correct, slower,
//     and without nesting);
//   - without a process-wide barrier (old kernels, some sandboxes, platforms
//     that have none) readers use a full fence instead: still correct,
//     slower.
// Satisfies SharedMutex: use it with std::shared_lock / std::unique_lock.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>

namespace netipc::cache {

class ReadMostlyLock {
public:
    static constexpr unsigned reader_slots = 64;

    ReadMostlyLock() noexcept;
    ReadMostlyLock(const ReadMostlyLock&) = delete;
    ReadMostlyLock& operator=(const ReadMostlyLock&) = delete;
    ReadMostlyLock(ReadMostlyLock&&) = delete;
    ReadMostlyLock& operator=(ReadMostlyLock&&) = delete;
    ~ReadMostlyLock() = default;

    void lock_shared() noexcept;
    void unlock_shared() noexcept;

    // Exclusive: waits for readers inside to leave; new readers wait.
    void lock();
    void unlock() noexcept;

    // Whether a writer holds the lock or waits for it (new readers then wait
    // behind it). A snapshot for tests and diagnostics: it may change at once.
    [[nodiscard]] bool has_writer() const noexcept {
        return writer_.load(std::memory_order_acquire);
    }

    // Whether readers run the cheap path (a process-wide barrier exists).
    [[nodiscard]] static bool asymmetric() noexcept;

private:
    struct alignas(64) Slot {
        std::atomic<std::uint32_t> depth{0}; // written only by the owning thread
    };

    void lock_shared_overflow() noexcept;
    void wait_for_writer() const noexcept;

    std::array<Slot, reader_slots> slots_{};
    alignas(64) std::atomic<std::uint32_t> overflow_readers_{0};
    alignas(64) std::atomic<bool> writer_{false};
    std::mutex writers_; // one writer at a time
};

} // namespace netipc::cache
