#include "cache/read_mostly_lock.h"

#include <bitset>
#include <thread>

#include "cache/process_barrier.h"

namespace netipc::cache {

namespace {

// The reader side of the handshake: with a process-wide barrier, the
// writer's barrier supplies the hardware fence, so only the compiler must
// not move the slot store past the flag load; without it, a real full fence.
void light_barrier() noexcept {
    if (process_barrier_available()) {
        std::atomic_signal_fence(std::memory_order_seq_cst);
    } else {
        std::atomic_thread_fence(std::memory_order_seq_cst);
    }
}

void heavy_barrier() noexcept {
    if (!process_barrier_available() || !process_barrier()) {
        std::atomic_thread_fence(std::memory_order_seq_cst);
    }
}

// Reader ids: the first `reader_slots` live threads that read get a slot
// of their own in every ReadMostlyLock; ids are recycled at thread exit.
class ReaderIds {
public:
    static constexpr unsigned overflow = ReadMostlyLock::reader_slots;

    unsigned acquire() {
        const std::lock_guard lock(mutex_);
        for (unsigned id = 0; id < overflow; ++id) {
            if (!taken_[id]) {
                taken_[id] = true;
                return id;
            }
        }
        return overflow;
    }
    void release(unsigned id) {
        if (id < overflow) {
            const std::lock_guard lock(mutex_);
            taken_[id] = false;
        }
    }

private:
    std::mutex mutex_;
    std::bitset<overflow> taken_;
};

ReaderIds& reader_ids() {
    static ReaderIds ids; // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
    return ids;
}

struct ThreadReaderId {
    ThreadReaderId() : id(reader_ids().acquire()) {}
    ThreadReaderId(const ThreadReaderId&) = delete;
    ThreadReaderId& operator=(const ThreadReaderId&) = delete;
    ThreadReaderId(ThreadReaderId&&) = delete;
    ThreadReaderId& operator=(ThreadReaderId&&) = delete;
    ~ThreadReaderId() { reader_ids().release(id); }
    unsigned id;
};

unsigned this_thread_reader_id() {
    thread_local const ThreadReaderId reader;
    return reader.id;
}

void back_off(unsigned& spins) noexcept {
    if (++spins < 64) {
        return;
    }
    std::this_thread::yield();
}

} // namespace

ReadMostlyLock::ReadMostlyLock() noexcept {
    (void)process_barrier_available(); // register before any reader relies on it
}

bool ReadMostlyLock::asymmetric() noexcept {
    return process_barrier_available();
}

void ReadMostlyLock::lock_shared() noexcept {
    const unsigned id = this_thread_reader_id();
    if (id >= reader_slots) {
        lock_shared_overflow();
        return;
    }
    std::atomic<std::uint32_t>& depth = slots_[id].depth;
    const std::uint32_t held = depth.load(std::memory_order_relaxed);
    if (held > 0) {
        // Already inside: a waiting writer is waiting for us, so go on.
        depth.store(held + 1, std::memory_order_relaxed);
        return;
    }
    for (;;) {
        depth.store(1, std::memory_order_relaxed);
        light_barrier();
        // Acquire: pairs with the last writer's release in unlock(), so
        // what it wrote is visible to this reader.
        if (!writer_.load(std::memory_order_acquire)) {
            return;
        }
        depth.store(0, std::memory_order_release); // step back for the writer
        wait_for_writer();
    }
}

void ReadMostlyLock::unlock_shared() noexcept {
    const unsigned id = this_thread_reader_id();
    if (id >= reader_slots) {
        overflow_readers_.fetch_sub(1, std::memory_order_release);
        return;
    }
    std::atomic<std::uint32_t>& depth = slots_[id].depth;
    // Release: everything this reader read happens before a writer that
    // sees the slot empty.
    depth.store(depth.load(std::memory_order_relaxed) - 1, std::memory_order_release);
}

void ReadMostlyLock::lock_shared_overflow() noexcept {
    for (;;) {
        overflow_readers_.fetch_add(1, std::memory_order_seq_cst);
        if (!writer_.load(std::memory_order_seq_cst)) {
            return;
        }
        overflow_readers_.fetch_sub(1, std::memory_order_release);
        wait_for_writer();
    }
}

void ReadMostlyLock::wait_for_writer() const noexcept {
    unsigned spins = 0;
    while (writer_.load(std::memory_order_acquire)) {
        back_off(spins);
    }
}

void ReadMostlyLock::lock() {
    writers_.lock();
    writer_.store(true, std::memory_order_seq_cst);
    heavy_barrier();
    for (const Slot& slot : slots_) {
        unsigned spins = 0;
        while (slot.depth.load(std::memory_order_acquire) != 0) {
            back_off(spins);
        }
    }
    unsigned spins = 0;
    while (overflow_readers_.load(std::memory_order_acquire) != 0) {
        back_off(spins);
    }
}

void ReadMostlyLock::unlock() noexcept {
    writer_.store(false, std::memory_order_release);
    writers_.unlock();
}

} // namespace netipc::cache
