// ReadMostlyLock: mutual exclusion between the writer and readers (checked
// on plain, non-atomic data so tsan sees any race), nesting while a writer
// waits, more reader threads than slots, and a writer that readers cannot
// starve.
#include "cache/read_mostly_lock.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

using netipc::cache::ReadMostlyLock;
using namespace std::chrono_literals;

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
    std::this_thread::sleep_for(20ms); // let the writer start waiting
    lock.lock_shared();                // nested: must not wait for the writer
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
    std::atomic<bool> writer_done{false};
    std::atomic<unsigned> inside_when_written{~0U};
    std::vector<std::thread> readers;
    readers.reserve(threads);
    for (unsigned r = 0; r < threads; ++r) {
        readers.emplace_back([&] {
            const std::shared_lock guard(lock);
            ++inside;
            while (!release.load()) {
                std::this_thread::sleep_for(1ms);
            }
            --inside;
        });
    }
    while (inside.load() < threads) {
        std::this_thread::sleep_for(1ms);
    }
    std::thread writer([&] {
        const std::unique_lock guard(lock);
        inside_when_written = inside.load();
        writer_done = true;
    });
    std::this_thread::sleep_for(20ms);
    CHECK_FALSE(writer_done.load()); // every reader, slotted or not, holds it out
    release = true;
    for (auto& reader : readers) {
        reader.join();
    }
    writer.join();
    CHECK(inside_when_written.load() == 0);
}

TEST_CASE("a steady stream of readers cannot starve the writer", "[os][read_mostly_lock]") {
    ReadMostlyLock lock;
    std::atomic<bool> done{false};
    std::vector<std::thread> readers;
    readers.reserve(4);
    for (int r = 0; r < 4; ++r) {
        readers.emplace_back([&] {
            while (!done.load()) {
                const std::shared_lock guard(lock);
                std::this_thread::yield(); // overlap with the other readers
            }
        });
    }
    for (int i = 0; i < 200; ++i) {
        const std::unique_lock guard(lock); // would hang if starved
    }
    done = true;
    for (auto& reader : readers) {
        reader.join();
    }
    SUCCEED("the writer got in 200 times");
}
