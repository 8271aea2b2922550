// SIGINT, SIGTERM and SIGHUP handled synchronously. A command blocks them
// before it starts any thread (threads inherit the mask, so no library
// thread is ever interrupted by them), then collects them with a wait
// where it is ready to shut down cleanly.
#pragma once

#include <chrono>
#include <csignal>

namespace netipc::cli {

class TerminationSignals {
public:
    // Blocks the signals in the calling thread and in every thread it
    // creates afterwards, for the rest of the process: a second Ctrl-C
    // during a clean shutdown must not cut it short. Processes spawned
    // with ChildProcess start with them unblocked.
    TerminationSignals();

    // Waits for one of them and returns its number.
    [[nodiscard]] int wait() const;
    // Waits at most `timeout`: the signal's number, or 0 when none came.
    [[nodiscard]] int wait_for(std::chrono::milliseconds timeout) const;
    // A signal that already arrived (0 when none), without waiting.
    [[nodiscard]] int pending() const { return wait_for(std::chrono::milliseconds{0}); }

private:
    sigset_t set_{};
};

} // namespace netipc::cli
