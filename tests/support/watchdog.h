// A bound on how long a test may run. A hang is a test that never finishes,
// so instead of a timing assertion a test arms a Watchdog with a generous
// limit (many times what the work needs): if the limit passes before the
// watchdog is disarmed (destroyed), it prints what the test was doing and
// aborts the process, so the run fails with a message instead of waiting
// for Bazel's own timeout. It never decides a test's outcome otherwise.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace netipc::testing {

class Watchdog {
public:
    Watchdog(std::chrono::seconds limit, std::string what) : what_(std::move(what)) {
        thread_ = std::thread([this, deadline = std::chrono::steady_clock::now() + limit] {
            std::unique_lock lock(mutex_);
            if (!disarmed_.wait_until(lock, deadline, [this] { return done_; })) {
                (void)std::fprintf(stderr, "WATCHDOG: %s did not finish in time: a hang\n",
                                   what_.c_str());
                (void)std::fflush(stderr);
                std::abort();
            }
        });
    }
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;
    Watchdog(Watchdog&&) = delete;
    Watchdog& operator=(Watchdog&&) = delete;
    ~Watchdog() {
        {
            const std::lock_guard lock(mutex_);
            done_ = true;
        }
        disarmed_.notify_all();
        thread_.join();
    }

private:
    std::string what_;
    std::mutex mutex_;
    std::condition_variable disarmed_;
    bool done_ = false;
    std::thread thread_;
};

} // namespace netipc::testing
