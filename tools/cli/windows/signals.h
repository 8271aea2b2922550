// Requests to terminate, taken synchronously: the Windows counterpart of
// tools/cli/posix/signals.h, with the same interface. Ctrl-C, Ctrl-Break and
// closing the console arrive through a console control handler; a parent
// (ChildProcess::signal(), e.g. `netipc demo`) sets the process's stop event
// (tools/cli/windows/stop_event.h). Both raise one manual-reset event that
// wait() sleeps on, so a stop is never lost and never polled for.
//
// One per process at a time (the console handler is process-wide).
#pragma once

#include <chrono>
#include <csignal>

namespace netipc::cli {

class TerminationSignals {
public:
    // Creates the stop event and installs the console handler, for the rest
    // of the process's life (or until destruction).
    TerminationSignals();
    TerminationSignals(const TerminationSignals&) = delete;
    TerminationSignals& operator=(const TerminationSignals&) = delete;
    TerminationSignals(TerminationSignals&&) = delete;
    TerminationSignals& operator=(TerminationSignals&&) = delete;
    ~TerminationSignals();

    // Waits for a request and returns SIGINT (from the console) or SIGTERM
    // (from the stop event).
    [[nodiscard]] int wait() const;
    // Waits at most `timeout`: the request's number, or 0 when none came.
    [[nodiscard]] int wait_for(std::chrono::milliseconds timeout) const;
    // A request that already arrived (0 when none), without waiting.
    [[nodiscard]] int pending() const { return wait_for(std::chrono::milliseconds{0}); }

private:
    void* stop_event_ = nullptr; // HANDLE
};

} // namespace netipc::cli
