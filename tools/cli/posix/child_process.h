// A program started with stdin on /dev/null and stdout (and, when asked,
// stderr) on pipes, so the parent can wait for a line such as READY and
// collect the rest. `netipc demo` starts its providers this way, and the
// end-to-end tests start every `netipc` they run.
//
// The child starts with SIGINT, SIGTERM, SIGHUP and SIGPIPE unblocked and at
// their default actions, whatever the parent did with them.
//
// Not thread-safe. The destructor kills (SIGKILL) and reaps a child that is
// still running, so a failing test or demo never leaves one behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "netipc/error.h"
#include "netipc/posix/unique_fd.h"

namespace netipc::cli {

class ChildProcess {
public:
    struct Exit {
        int code = 0;   // the exit status, when `signal` is 0
        int signal = 0; // the signal that ended the process, else 0
        [[nodiscard]] bool exited_with(int status) const noexcept {
            return signal == 0 && code == status;
        }
    };

    // Starts `program` (a path, not searched in PATH) with `arguments`
    // (argv[1...]; argv[0] is `program`).
    static Result<ChildProcess> spawn(const std::string& program,
                                      const std::vector<std::string>& arguments,
                                      bool capture_stderr);

    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&& other) noexcept;
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ~ChildProcess();

    [[nodiscard]] pid_t pid() const noexcept { return pid_; }

    // The next line of stdout (without its newline); nullopt when stdout
    // ends, or `timeout` passes, before a whole line is there.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout);

    // Sends `signal_number`; false when the process was already reaped.
    [[nodiscard]] bool signal(int signal_number) const noexcept;

    // Reads stdout and stderr to their end, then reaps the process. nullopt
    // when `timeout` passes first (the process keeps running).
    std::optional<Exit> wait(std::chrono::milliseconds timeout);

    // Everything read from stdout so far (lines returned by read_line()
    // included) and from stderr when captured.
    [[nodiscard]] const std::string& out() const noexcept { return out_; }
    [[nodiscard]] const std::string& err() const noexcept { return err_; }

private:
    ChildProcess(pid_t pid, posix::UniqueFd out, posix::UniqueFd err)
        : pid_(pid), out_fd_(std::move(out)), err_fd_(std::move(err)) {}

    // Reads whatever the open pipes have, waiting at most until `deadline`
    // for the first bytes. False when nothing more can come.
    bool pump(std::chrono::steady_clock::time_point deadline);
    void kill_and_reap() noexcept;

    pid_t pid_ = -1; // -1 once reaped
    posix::UniqueFd out_fd_;
    posix::UniqueFd err_fd_;
    std::string out_;
    std::string err_;
    std::size_t line_start_ = 0; // first byte of out_ not yet returned by read_line()
};

} // namespace netipc::cli
