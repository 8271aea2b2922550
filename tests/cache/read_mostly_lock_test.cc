// ReadMostlyLock: mutual exclusion between the writer and readers (checked
// on plain, non-atomic data so tsan sees any race), nesting while a writer
// waits, more reader threads than slots, and a writer that readers cannot
// starve. Threads are ordered by events (ReadMostlyLock::has_writer(),
// counters the threads set), never by sleeping.
#include "cache/read_mostly_lock.h"

#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

using netipc::cache::ReadMostlyLock;

namespace {

// Two values a writer always changes together: a reader that ever sees them
// differ saw a torn update.
struct Pair {
    long first = 0;
    long second = 0;
};

} // namespace

TEST_CASE("readers never see a writer's half-done update", "[os][read_mostly_lock]") {
    ReadMostlyLock lock;
    Pair pair;
    std::atomic<bool> done{false};
    std::atomic<long> torn{0};
    std::atomic<long> reads{0};
    std::vector<std::thread> readers;
    readers.reserve(3);
    for (int r = 0; r < 3; ++r) {
        readers.emplace_back([&] {
            while (!done.load()) {
                const std::shared_lock guard(lock);
                if (pair.first != pair.second) {
                    ++torn;
                }
                ++reads;
            }
        });
    }
    // Between two writes the writer waits until some reader got in, so the
    // readers really run between updates whatever the scheduler does (a
    // writer that re-locks at once may otherwise finish before any reader
    // starts, and the test would prove nothing).
    constexpr long writes = 300;
    for (long i = 1; i <= writes; ++i) {
        const long seen = reads.load();
        {
            const std::unique_lock guard(lock);
            pair.first = i;
            pair.second = i;
        }
        while (reads.load() == seen) {
            std::this_thread::yield();
        }
    }
    done = true;
    for (auto& reader : readers) {
        reader.join();
    }
    CHECK(torn == 0);
    CHECK(reads > 0);
    CHECK(pair.first == writes);
}

TEST_CASE("a reader may nest while a writer waits", "[os][read_mostly_lock]") {
    ReadMostlyLock lock;
    std::atomic<bool> written{false};
    lock.lock_shared();
    std::thread writer([&] {
        const std::unique_lock guard(lock);
        written = true;
    });
    // The writer has announced itself (and now waits for this reader).
    while (!lock.has_writer()) {
        std::this_thread::yield();
    }
    lock.lock_shared(); // nested: must not wait for the writer
    CHECK_FALSE(written.load());
    lock.unlock_shared();
    CHECK_FALSE(written.load()); // still inside the outer guard
    lock.unlock_shared();
    writer.join();
    CHECK(written.load());
}

TEST_CASE("more reader threads than slots still exclude the writer", "[os][read_mostly_lock]") {
    ReadMostlyLock lock;
    constexpr unsigned threads = ReadMostlyLock::reader_slots + 16;
    std::atomic<unsigned> inside{0};
    std::atomic<bool> release{false};
    std::atomic<unsigned> inside_when_written{~0U};
    std::vector<std::thread> readers;
    readers.reserve(threads);
    for (unsigned r = 0; r < threads; ++r) {
        readers.emplace_back([&] {
            const std::shared_lock guard(lock);
            ++inside;
            while (!release.load()) {
                std::this_thread::yield();
            }
            --inside;
        });
    }
    // Every reader, slotted or overflowing, is inside before the writer asks.
    while (inside.load() < threads) {
        std::this_thread::yield();
    }
    std::thread writer([&] {
        const std::unique_lock guard(lock);
        inside_when_written = inside.load();
    });
    while (!lock.has_writer()) {
        std::this_thread::yield();
    }
    // The writer is waiting while every reader holds the lock; it must get
    // in only once all of them have left.
    release = true;
    for (auto& reader : readers) {
        reader.join();
    }
    writer.join();
    CHECK(inside_when_written.load() == 0);
}

TEST_CASE("a reader arriving while a writer waits queues behind the writer",
          "[os][read_mostly_lock]") {
    // Overlapping readers starve the writer of a reader-preferring lock
    // (glibc's shared_mutex): here a second reader arrives while the first
    // still holds the lock and the writer already waits. It must not get in
    // before the writer.
    ReadMostlyLock lock;
    std::atomic<bool> first_inside{false};
    std::atomic<bool> first_release{false};
    std::atomic<bool> second_inside{false};
    std::atomic<bool> second_was_inside_when_written{true};
    std::thread first([&] {
        const std::shared_lock guard(lock);
        first_inside = true;
        while (!first_release.load()) {
            std::this_thread::yield();
        }
    });
    while (!first_inside.load()) {
        std::this_thread::yield();
    }
    std::thread writer([&] {
        const std::unique_lock guard(lock);
        second_was_inside_when_written = second_inside.load();
    });
    while (!lock.has_writer()) {
        std::this_thread::yield();
    }
    // The writer announced itself before the second reader even started.
    std::thread second([&] {
        const std::shared_lock guard(lock);
        second_inside = true;
    });
    first_release = true;
    first.join();
    writer.join();
    second.join();
    CHECK_FALSE(second_was_inside_when_written.load());
    CHECK(second_inside.load()); // and it got in after the writer
}

TEST_CASE("a steady stream of readers cannot starve the writer", "[os][read_mostly_lock]") {
    ReadMostlyLock lock;
    std::atomic<bool> done{false};
    std::atomic<unsigned> inside{0};
    std::vector<std::thread> readers;
    readers.reserve(4);
    for (int r = 0; r < 4; ++r) {
        readers.emplace_back([&] {
            while (!done.load()) {
                const std::shared_lock guard(lock);
                ++inside;
                std::this_thread::yield(); // overlap with the other readers
                --inside;
            }
        });
    }
    constexpr int writes = 200;
    int written = 0;
    int readers_inside_while_writing = 0;
    for (int i = 0; i < writes; ++i) {
        // Ask only while a reader holds the lock, so every write has to get
        // past readers that keep coming (a starved writer hangs here).
        while (inside.load() == 0) {
            std::this_thread::yield();
        }
        const std::unique_lock guard(lock);
        if (inside.load() != 0) {
            ++readers_inside_while_writing;
        }
        ++written;
    }
    done = true;
    for (auto& reader : readers) {
        reader.join();
    }
    CHECK(written == writes);
    CHECK(readers_inside_while_writing == 0);
}
