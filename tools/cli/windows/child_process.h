// A program started with stdin on NUL and stdout (and, when asked, stderr)
// on pipes, so the parent can wait for a line such as READY and collect the
// rest: the Windows counterpart of tools/cli/posix/child_process.h, with the
// same interface. `netipc demo` starts its providers this way, and the
// end-to-end tests start every `netipc.exe` they run.
//
// Windows has no signals: signal() asks the child to stop through the event
// its TerminationSignals waits on (tools/cli/windows/signals.h), the way
// SIGTERM does on POSIX. Exit::signal is therefore always 0.
//
// Not thread-safe. One thread per captured pipe copies its output into this
// object (anonymous pipes cannot be waited on with a timeout); read_line()
// and wait() sleep on a condition variable until they have what they need.
// The destructor terminates and waits for a child that is still running, so
// a failing test or demo never leaves one behind.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "netipc/error.h"

namespace netipc::cli {

class ChildProcess {
public:
    struct Exit {
        int code = 0;   // the exit code
        int signal = 0; // always 0 on Windows
        [[nodiscard]] bool exited_with(int status) const noexcept {
            return signal == 0 && code == status;
        }
    };

    // Starts `program` (a path, not searched in PATH) with `arguments`,
    // each quoted as the C runtime parses a command line.
    static Result<ChildProcess> spawn(const std::string& program,
                                      const std::vector<std::string>& arguments,
                                      bool capture_stderr);

    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&& other) noexcept;
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ~ChildProcess();

    [[nodiscard]] unsigned long pid() const noexcept { return pid_; }

    // The next line of stdout (without its newline or carriage return);
    // nullopt when stdout ends, or `timeout` passes, before a whole line.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout);

    // Asks the child to stop (SIGINT, SIGTERM or SIGHUP: all mean the same
    // here). False when it cannot be asked (it has not set up its stop
    // event, or it already ended).
    [[nodiscard]] bool signal(int signal_number) const noexcept;

    // Waits until stdout and stderr end and the process exits. nullopt when
    // `timeout` passes first (the process keeps running).
    std::optional<Exit> wait(std::chrono::milliseconds timeout);

    [[nodiscard]] const std::string& out() const noexcept;
    [[nodiscard]] const std::string& err() const noexcept;

private:
    // What the reader threads share with the owner; kept on the heap so the
    // threads' pointer survives moves of the ChildProcess.
    struct Output {
        std::mutex mutex;
        std::condition_variable changed;
        std::string out;
        std::string err;
        bool out_open = false;
        bool err_open = false;
    };

    ChildProcess() = default;
    void terminate_and_wait() noexcept;

    void* process_ = nullptr; // HANDLE; null once waited for
    unsigned long pid_ = 0;
    std::unique_ptr<Output> output_;
    std::vector<std::thread> readers_;
    std::size_t line_start_ = 0;
    // Snapshots handed out by out()/err(), refreshed on each call.
    mutable std::string out_copy_;
    mutable std::string err_copy_;
};

} // namespace netipc::cli
